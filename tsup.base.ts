import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Options } from 'tsup';

interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readPackageJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

/** The `package.json` of `name` as Node would find it from `fromDir` (walking up `node_modules`). */
function findDependencyPackageJson(name: string, fromDir: string): PackageJson {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return readPackageJson(candidate);
    if (dirname(dir) === dir) throw new Error(`Cannot find the dependency ${name} from ${fromDir}`);
  }
}

/** True when `require(name)` cannot load the package: ESM only, no `require` export, no CJS main. */
function isEsmOnly(pkg: PackageJson): boolean {
  if (JSON.stringify(pkg.exports ?? {}).includes('"require"')) return false;
  if (pkg.main?.endsWith('.cjs')) return false;
  return pkg.type === 'module';
}

/**
 * The package's dependencies that only ship ES modules (p-retry 7, …). The CommonJS build bundles
 * them: a CJS `require()` of an ES module fails on Node 20.17 and returns the module namespace
 * (not its default export) on later versions. A peer dependency cannot be bundled, so an ESM-only
 * one fails the build.
 */
export function esmOnlyDependencies(packageDir: string = process.cwd()): string[] {
  const own = readPackageJson(join(packageDir, 'package.json'));
  const esmOnlyPeers = Object.keys(own.peerDependencies ?? {}).filter((name) => {
    try {
      return isEsmOnly(findDependencyPackageJson(name, packageDir));
    } catch {
      return false; // an optional peer that is not installed here
    }
  });
  if (esmOnlyPeers.length > 0) {
    throw new Error(
      `${own.name}: the peer dependencies ${esmOnlyPeers.join(', ')} are ESM-only; the CommonJS build cannot require them`,
    );
  }
  return Object.keys(own.dependencies ?? {}).filter((name) =>
    isEsmOnly(findDependencyPackageJson(name, packageDir)),
  );
}

/**
 * The build every package shares: ESM and CJS, each with its declarations, for Node 20.19+.
 * The CJS build bundles the ESM-only dependencies (see `esmOnlyDependencies`); the ESM build
 * imports every dependency. `dist/` is emptied once here, as the two builds run in parallel.
 */
export function libraryBuild(overrides: Options = {}): Options[] {
  rmSync('dist', { recursive: true, force: true });
  const shared: Options = {
    entry: ['src/index.ts'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'node20',
    splitting: false,
    ...overrides,
  };
  return [
    { ...shared, format: ['esm'] },
    { ...shared, format: ['cjs'], noExternal: esmOnlyDependencies() },
  ];
}
