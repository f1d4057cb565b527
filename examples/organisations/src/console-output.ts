// Plain console output for the demo: headings, notes, small tables, and ANSI colour on a terminal.

const useColour = process.stdout.isTTY === true && !process.env.NO_COLOR;

function paint(code: number, text: string): string {
  return useColour ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Colour helpers that print plain text when stdout is not a terminal (or `NO_COLOR` is set). */
export const colour = {
  bold: (text: string) => paint(1, text),
  dim: (text: string) => paint(2, text),
  red: (text: string) => paint(31, text),
  green: (text: string) => paint(32, text),
  yellow: (text: string) => paint(33, text),
  cyan: (text: string) => paint(36, text),
};

/** `== 1) Title ==` with a blank line before it. */
export function heading(text: string): void {
  console.log(`\n${colour.bold(colour.cyan(`== ${text}`))}`);
}

/** An indented line. */
export function say(text: string): void {
  console.log(`   ${text}`);
}

/** A small left-aligned table: a header row, a rule, then the rows. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): void {
  const cells = [header, ...rows].map((row) => row.map(formatCell));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => visibleLength(row[column] ?? ''))));
  const line = (row: readonly string[]) =>
    `   ${row.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell))).join('  ')}`.trimEnd();
  const [head, ...body] = cells;
  console.log(colour.bold(line(head ?? [])));
  console.log(colour.dim(line(widths.map((width) => '-'.repeat(width)))));
  for (const row of body) console.log(line(row));
}

/** How a value shows in a table: dates as ISO seconds, `null` as `-`, long text shortened. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes this file adds
  return text.replace(/\u001b\[\d+m/g, '').length;
}
