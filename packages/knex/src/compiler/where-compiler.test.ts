import { ValidationError, type WhereNode, WhereNodeVisitor } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import type { StoreColumn } from '../store/store-column';
import type { CompileContext } from './compiled-sql';
import { SqliteWhereCompiler } from './sqlite-where-compiler';

const NAME: StoreColumn = {
  field: 'name',
  column: 'name',
  type: 'string',
  nullable: true,
  databaseType: 'text',
  withTimeZone: false,
  jsonAsText: false,
};

const context: CompileContext = {
  columnFor: () => NAME,
  encode: (_column, value) => value,
};

const nameIs = (value: string): WhereNode => ({ kind: 'lookup', field: 'name', lookup: 'exact', value });

// The store compiler walks the tree with core's visitor, like the OData compiler does.
describe('WhereCompiler as a WhereNodeVisitor', () => {
  it('is a core WhereNodeVisitor and dispatches every node kind', () => {
    const compiler = new SqliteWhereCompiler(context);
    expect(compiler).toBeInstanceOf(WhereNodeVisitor);
    const tree: WhereNode = {
      kind: 'or',
      children: [
        { kind: 'and', children: [nameIs('a'), nameIs('b')] },
        { kind: 'not', child: nameIs('c') },
      ],
    };
    expect(compiler.compile(tree)).toEqual({
      sql: '((?? = ? AND ?? = ?) OR NOT ((?? = ? AND ?? IS NOT NULL)))',
      bindings: ['name', 'a', 'name', 'b', 'name', 'c', 'name'],
    });
  });

  it('rejects an unknown node kind (from untyped code) with a ValidationError naming it', () => {
    const compiler = new SqliteWhereCompiler(context);
    const bad = { kind: 'and', children: [{ kind: 'xor', children: [] }] } as unknown as WhereNode;
    expect(() => compiler.compile(bad)).toThrow(ValidationError);
    expect(() => compiler.compile(bad)).toThrow('Unknown where node kind "xor".');
  });
});
