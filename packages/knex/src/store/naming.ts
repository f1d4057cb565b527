// The naming rules live in core, so `generateModels` writes the columns this store reads.
export { camelCase, snakeCase } from '@cdms-sync/core';
