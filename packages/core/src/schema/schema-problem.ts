/** The kinds of mismatch `checkMigrators` reports. */
export type SchemaProblemKind =
  /** The migrator's entity set is not in `$metadata`. */
  | 'unknown-entity'
  /** A mapped attribute (or the primary key) is not an attribute of the entity. */
  | 'unknown-attribute'
  /** The codec cannot read or write the attribute's EDM type (`fields.string` on an `Edm.Int32`). */
  | 'incompatible-codec'
  /** The local column is shorter than the CDMS maximum length: a CDMS value may not fit locally. */
  | 'column-too-short'
  /** The CDMS attribute is shorter than what the local column allows: a local value may not fit in CDMS. */
  | 'attribute-too-short'
  /** A lookup points at another entity than the related model's (or its `logicalName`). */
  | 'lookup-target';

/** One mismatch between a migrator and `$metadata`. */
export interface SchemaProblem {
  readonly kind: SchemaProblemKind;
  /** The model (class) name. */
  readonly model: string;
  /** The model field, when the problem is about one. */
  readonly field?: string;
  /** The CDMS entity set or attribute concerned. */
  readonly attribute?: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** A close name that exists, for unknown names. */
  readonly suggestion?: string;
}

/**
 * The problems as a plain-text table (one row per problem), or `No problems found.`.
 *
 * @example
 * formatSchemaProblems(problems);
 * // model         field  attribute       problem
 * // ------------  -----  --------------  ----------------------------------------------------------
 * // Organisation  alias  optevia_Allias  unknown-attribute: Account has no attribute 'optevia_Allias'; did you mean 'optevia_Alias'?
 */
export function formatSchemaProblems(problems: readonly SchemaProblem[]): string {
  if (problems.length === 0) return 'No problems found.';
  const rows = problems.map((problem) => [
    problem.model,
    problem.field ?? '-',
    problem.attribute ?? '-',
    `${problem.kind}: ${problem.message}`,
  ]);
  const header = ['model', 'field', 'attribute', 'problem'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(Math.min(width, 60)))),
    ...rows.map(line),
    '',
    `${problems.length} problem${problems.length === 1 ? '' : 's'} found.`,
  ].join('\n');
}
