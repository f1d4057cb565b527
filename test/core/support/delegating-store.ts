import type { LocalStore } from '@cdms-sync/core';

/**
 * A LocalStore that passes every required method on to `base` and has no optional `aggregate`: the
 * starting point of a test's store wrapper, which then overrides the methods it observes.
 *
 * @example
 * const base = knexStore(f.knex);
 * const writes: string[] = [];
 * const store: LocalStore = {
 *   ...delegatingStore(base),
 *   insert: (table, row) => {
 *     writes.push(`insert ${table}`);
 *     return base.insert(table, row);
 *   },
 * };
 * await f.reopen({ store });
 */
export function delegatingStore(base: LocalStore): LocalStore {
  return {
    dialect: base.dialect,
    capabilities: base.capabilities,
    transaction: (fn) => base.transaction(fn),
    describe: (table) => base.describe(table),
    find: (table, options) => base.find(table, options),
    count: (table, where) => base.count(table, where),
    exists: (table, where) => base.exists(table, where),
    insert: (table, row) => base.insert(table, row),
    bulkInsert: (table, rows) => base.bulkInsert(table, rows),
    update: (table, where, values) => base.update(table, where, values),
    delete: (table, where) => base.delete(table, where),
    upsertIfNewer: (table, rows, options) => base.upsertIfNewer(table, rows, options),
    close: () => base.close(),
  };
}
