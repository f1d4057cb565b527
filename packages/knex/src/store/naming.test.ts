import { describe, expect, it } from 'vitest';
import { camelCase, snakeCase } from './naming';

describe('naming', () => {
  it('maps fields to snake_case columns and back', () => {
    for (const [field, column] of [
      ['cdmsPk', 'cdms_pk'],
      ['ukOrganisation', 'uk_organisation'],
      ['id', 'id'],
      ['createdAt', 'created_at'],
      ['address1Line', 'address1_line'],
    ] as const) {
      expect(snakeCase(field)).toBe(column);
      expect(camelCase(column)).toBe(field);
    }
  });
});
