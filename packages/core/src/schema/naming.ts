/**
 * Model field name -> column name: `cdmsPk` -> `cdms_pk`, `ukOrganisation` -> `uk_organisation`.
 * The default column naming of `knexStore`, and the one `generateModels` writes migrations with.
 *
 * @example
 * snakeCase('EMailAddress1'); // 'e_mail_address1'
 */
export function snakeCase(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Column name -> model field name: `cdms_pk` -> `cdmsPk`. The default field naming of `knexStore`.
 *
 * @example
 * camelCase('address1_line1'); // 'address1Line1'
 */
export function camelCase(column: string): string {
  return column.replace(/_+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** `optevia_interaction` -> `OpteviaInteraction`, `Account` -> `Account`. @internal */
export function pascalCase(name: string): string {
  const camel = camelCase(snakeCase(name));
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** `OpteviaInteraction` -> `optevia-interaction`. @internal */
export function kebabCase(name: string): string {
  return snakeCase(name).replace(/_+/g, '-');
}
