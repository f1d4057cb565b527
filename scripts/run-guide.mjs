// Executes docs/getting-started.md. Every ```ts block of the guide starts with the file it belongs
// to (`// src/models/contact.ts`, `// src/main.ts (continued)`: blocks of one file are joined in
// order); this writes them into a new project outside the workspace, installs the packed packages
// and the drivers with npm, type-checks it with tsc (nodenext, strict), and runs `dist/main.js` on
// PGlite, then on a fresh PostgreSQL database and a fresh MariaDB database (dropped afterwards),
// each time against the CDMS emulator. Run `pnpm build` first.
// Usage: node scripts/run-guide.mjs [pglite|postgresql|mariadb ...]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createConsumerProject, packWorkspacePackages, ROOT, run } from './lib/consumer-project.mjs';

const GUIDE = join(ROOT, 'docs/getting-started.md');
const FILE_LINE = /^\/\/ (src\/[\w./-]+\.ts)( \(continued\))?$/;

/** `{ path: source }` from the guide's ```ts blocks; a block that names no file is an error. */
export function extractGuideFiles(markdown) {
  const files = new Map();
  for (const [, body] of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const [first, ...rest] = body.split('\n');
    const match = FILE_LINE.exec(first);
    if (!match) throw new Error(`A ts block of the guide names no file on its first line: "${first}"`);
    const [, path, continued] = match;
    if (files.has(path) !== Boolean(continued)) {
      throw new Error(`${path}: mark every block after the first one "(continued)", and only those`);
    }
    files.set(path, `${files.get(path) ?? ''}${continued ? '\n' : ''}${rest.join('\n')}`);
  }
  return files;
}

const databases = {
  pglite: { url: () => undefined },
  postgresql: {
    url: (name) => `postgres://postgres@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? 5432}/${name}`,
    admin: (name, verb) =>
      `const pg = require('pg'); const c = new pg.Client({ host: '${process.env.PGHOST ?? '127.0.0.1'}', port: ${process.env.PGPORT ?? 5432}, user: 'postgres', database: 'test' });
       c.connect().then(() => c.query('${verb} database "${name}"${verb === 'drop' ? ' with (force)' : ''}')).finally(() => c.end());`,
  },
  mariadb: {
    url: (name) => `mysql://root@${process.env.MYSQL_HOST ?? '127.0.0.1'}:${process.env.MYSQL_PORT ?? 3306}/${name}`,
    admin: (name, verb) =>
      `const m = require('mysql2/promise'); m.createConnection({ host: '${process.env.MYSQL_HOST ?? '127.0.0.1'}', port: ${process.env.MYSQL_PORT ?? 3306}, user: 'root', password: '' })
       .then(async (c) => { try { await c.query('${verb} database \`${name}\`'); } finally { await c.end(); } });`,
  },
};

const wanted = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(databases);
const files = extractGuideFiles(readFileSync(GUIDE, 'utf8'));
const project = createConsumerProject({
  name: 'guide',
  template: join(ROOT, 'scripts/consumers/esm'),
  tarballs: packWorkspacePackages(),
  manifest: { type: 'module' },
  dependencies: ['knex', 'pg', 'mysql2', 'knex-pglite', '@electric-sql/pglite', 'typescript', '@types/node'],
});
try {
  rmSync(join(project, 'src'), { recursive: true, force: true });
  for (const [path, source] of files) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), source);
  }
  console.log(`guide: ${files.size} files from ${GUIDE}: ${[...files.keys()].join(', ')}`);
  run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: project });
  for (const name of wanted) {
    const database = databases[name];
    if (!database) throw new Error(`Unknown database ${name}; use ${Object.keys(databases).join(', ')}`);
    const databaseName = `cdms_sync_guide_${process.pid}_${Date.now().toString(36)}`;
    const admin = (verb) =>
      execFileSync(process.execPath, ['-e', database.admin(databaseName, verb)], { cwd: project, stdio: 'inherit' });
    console.log(`\n== guide on ${name}`);
    if (database.admin) admin('create');
    try {
      const url = database.url(databaseName);
      run(process.execPath, ['dist/main.js'], { cwd: project, env: { ...process.env, DATABASE_URL: url ?? '' } });
    } finally {
      if (database.admin) admin('drop');
    }
  }
} finally {
  rmSync(project, { recursive: true, force: true });
}
console.log(`\nguide: type-checked and ran on ${wanted.join(', ')}`);
