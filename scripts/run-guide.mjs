// Executes docs/getting-started.md. Every ```ts block of the guide starts with the file it belongs
// to (`// src/models/contact.ts`, `// src/main.ts (continued)`: blocks of one file are joined in
// order); this writes them into a new project outside the workspace, installs the packed packages
// and the drivers with npm, type-checks it with tsc (nodenext, strict), and runs `dist/main.js` on
// PGlite, then on a fresh PostgreSQL database and a fresh MariaDB database (dropped afterwards),
// each time against the CDMS emulator. Run `pnpm build` first.
// Usage: node scripts/run-guide.mjs [pglite|postgresql|mariadb ...]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

// The guide runs in a database of its own, created here and dropped afterwards (the servers are
// shared), through the drivers the workspace already has.
const requireDriver = createRequire(join(ROOT, 'packages/knex/package.json'));
const PG = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: 'postgres',
};
const MYSQL = {
  host: process.env.MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: 'root',
  password: '',
};

async function postgresAdmin(sql) {
  const client = new (requireDriver('pg').Client)({ ...PG, database: 'test' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function mariadbAdmin(sql) {
  const connection = await requireDriver('mysql2/promise').createConnection(MYSQL);
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

const databases = {
  pglite: { url: () => '' },
  postgresql: {
    url: (name) => `postgres://${PG.user}@${PG.host}:${PG.port}/${name}`,
    create: (name) => postgresAdmin(`create database "${name}"`),
    drop: (name) => postgresAdmin(`drop database if exists "${name}" with (force)`),
  },
  mariadb: {
    url: (name) => `mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${name}`,
    create: (name) => mariadbAdmin(`create database \`${name}\``),
    drop: (name) => mariadbAdmin(`drop database if exists \`${name}\``),
  },
};

const wanted = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(databases);
const unknown = wanted.filter((name) => !(name in databases));
if (unknown.length > 0)
  throw new Error(`Unknown database ${unknown}; use ${Object.keys(databases).join(', ')}`);
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
    const databaseName = `cdms_sync_guide_${process.pid}_${Date.now().toString(36)}`;
    console.log(`\n== guide on ${name}`);
    await database.create?.(databaseName);
    try {
      run(process.execPath, ['dist/main.js'], {
        cwd: project,
        env: { ...process.env, DATABASE_URL: database.url(databaseName) },
      });
    } finally {
      await database.drop?.(databaseName);
    }
  }
} finally {
  rmSync(project, { recursive: true, force: true });
}
console.log(`\nguide: type-checked and ran on ${wanted.join(', ')}`);
