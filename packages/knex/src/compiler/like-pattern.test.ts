import { describe, expect, it } from 'vitest';
import type { StoreColumn } from '../store/store-column';
import { globPattern, likeCondition, likePattern } from './like-pattern';

describe('likePattern', () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    expect(likePattern('50%_off!', 'contains')).toBe('%50!%!_off!!%');
    expect(likePattern('a\\b', 'startswith')).toBe('a\\b%');
    expect(likePattern('', 'endswith')).toBe('%');
  });
});

describe('globPattern', () => {
  it('turns the GLOB wildcards into one-character classes', () => {
    expect(globPattern('a*b?[c]', 'contains')).toBe('*a[*]b[?][[]c]*');
    expect(globPattern('x', 'startswith')).toBe('x*');
    expect(globPattern('x', 'endswith')).toBe('*x');
  });
});

describe('likeCondition', () => {
  it("adds the store's ESCAPE clause and binds the column and the escaped pattern", () => {
    const name: StoreColumn = {
      field: 'name',
      column: 'company_name',
      type: 'string',
      nullable: true,
      databaseType: 'text',
      withTimeZone: false,
      jsonAsText: false,
    };
    expect(likeCondition('CAST(?? AS text) ILIKE ?', name, '50%_', 'startswith')).toEqual({
      sql: "CAST(?? AS text) ILIKE ? ESCAPE '!'",
      bindings: ['company_name', '50!%!_%'],
    });
  });
});
