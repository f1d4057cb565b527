// Rebuilds the root CHANGELOG.md from the per-package CHANGELOG.md files that changesets writes,
// so the project-wide log never drifts from what each package published.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = 'packages';
const sections = [];
for (const dir of readdirSync(packagesDir).sort()) {
  const changelog = join(packagesDir, dir, 'CHANGELOG.md');
  if (!existsSync(changelog)) continue;
  const body = readFileSync(changelog, 'utf8')
    .replace(/^# .*\n+/, '')
    .trim();
  const name = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')).name;
  sections.push(`## ${name}\n\n${body.replace(/^(#+) /gm, '#$1 ')}`);
}
const header = `# Changelog\n\nThe project-wide log, rebuilt by \`pnpm version-packages\` from each package's CHANGELOG.md\n(written by changesets). Pending changes live in \`.changeset/\` until the next release.\n`;
writeFileSync('CHANGELOG.md', `${header}\n${sections.join('\n\n')}\n`);
