// Helpers for the scripts that use the packages as a consumer would: pack every publishable
// package under packages/* (so a new package is picked up without edits), and make throw-away
// projects outside the workspace that install the tarballs with npm.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const PNPM = ['--yes', 'pnpm@10.34.9'];

/** Runs a command, its output shown; throws when it fails. */
export function run(command, args, options = {}) {
  console.log(`$ ${command} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  execFileSync(command, args, { stdio: 'inherit', ...options });
}

/** The publishable packages under packages/*: `{ name, dir }`, not the private ones. */
export function workspacePackages() {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(ROOT, 'packages', entry.name))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }));
}

/**
 * Packs every publishable package with `pnpm pack` (what `pnpm publish` uploads: `workspace:`
 * ranges replaced, `files` applied) into `destination`. Returns `{ name: tarballPath }`.
 */
export function packWorkspacePackages(destination = join(ROOT, '.tmp/packs')) {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  const tarballs = {};
  for (const { name, dir } of workspacePackages()) {
    const before = new Set(readdirSync(destination));
    execFileSync('npx', [...PNPM, 'pack', '--pack-destination', destination], { cwd: dir, stdio: 'ignore' });
    const created = readdirSync(destination).filter((file) => !before.has(file));
    if (created.length !== 1) throw new Error(`pnpm pack of ${name} made ${created.length} files`);
    const tarball = join(destination, created[0]);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const required of ['package/README.md', 'package/LICENSE', 'package/package.json']) {
      if (!files.includes(required))
        throw new Error(`${tarball} has no ${required.slice('package/'.length)}`);
    }
    console.log(`packed ${name}: ${tarball} (${files.length} files)`);
    tarballs[name] = tarball;
  }
  return tarballs;
}

/** The version range the workspace uses for a dependency (root first), so consumers get what we test. */
export function workspaceRange(name) {
  const manifests = [ROOT, ...workspacePackages().map(({ dir }) => dir)].map((dir) =>
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
  );
  for (const manifest of manifests) {
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
    if (range) return range;
  }
  throw new Error(`No package.json of the workspace depends on ${name}`);
}

/**
 * A new project in the system's temp folder (outside the workspace, so nothing resolves from its
 * node_modules), with `template`'s files copied in, and the tarballs plus `dependencies` installed
 * by npm.
 */
export function createConsumerProject({ name, template, tarballs, manifest = {}, dependencies = [] }) {
  const dir = mkdtempSync(join(tmpdir(), `cdms-sync-${name}-`));
  cpSync(template, dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `cdms-sync-${name}`, private: true, version: '0.0.0', ...manifest }, null, 2)}\n`,
  );
  const specs = [...Object.values(tarballs), ...dependencies.map((dep) => `${dep}@${workspaceRange(dep)}`)];
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir });
  return dir;
}
