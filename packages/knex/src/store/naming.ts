/**
 * Model field name -> column name: `cdmsPk` -> `cdms_pk`, `ukOrganisation` -> `uk_organisation`.
 * The default of `KnexStoreOptions.columnName`.
 */
export function snakeCase(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Column name -> model field name: `cdms_pk` -> `cdmsPk`. The default of `KnexStoreOptions.fieldName`.
 */
export function camelCase(column: string): string {
  return column.replace(/_+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
