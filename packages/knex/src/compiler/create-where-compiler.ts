import type { StoreDialect } from '../store/dialect';
import type { CompileContext } from './compiled-sql';
import { MysqlWhereCompiler } from './mysql-where-compiler';
import { PostgresWhereCompiler } from './postgres-where-compiler';
import { SqliteWhereCompiler } from './sqlite-where-compiler';
import type { WhereCompiler } from './where-compiler';

/** The where compiler for a dialect. */
export function createWhereCompiler(dialect: StoreDialect, context: CompileContext): WhereCompiler {
  switch (dialect) {
    case 'postgresql':
    case 'pglite':
      return new PostgresWhereCompiler(context, dialect);
    case 'sqlite':
      return new SqliteWhereCompiler(context);
    case 'mysql':
      return new MysqlWhereCompiler(context);
  }
}
