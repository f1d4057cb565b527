/**
 * The behaviour scenarios and the ADFS login against SQLite (a temp file, better-sqlite3), a real
 * CdmsClient and the CRM 2011 emulator over real HTTP.
 */

import { adfsAuthScenarios } from './scenarios/adfs-auth';
import { correctnessScenarios } from './scenarios/correctness';
import { foreignKeyScenarios } from './scenarios/foreign-keys';
import { queryScenarios } from './scenarios/queries';
import { readThroughScenarios } from './scenarios/read-through';
import { writeThroughScenarios } from './scenarios/write-through';
import { describeDatabase } from './support/end-to-end';

describeDatabase('sqlite', (f) => {
  writeThroughScenarios(f);
  readThroughScenarios(f);
  queryScenarios(f);
  foreignKeyScenarios(f);
  correctnessScenarios(f);
  adfsAuthScenarios(f);
});
