/**
 * Every end-to-end scenario against PostgreSQL (127.0.0.1:5432, db `test`, tables named per run),
 * a real CdmsClient and the CRM 2011 emulator over real HTTP. The fault-injection matrix runs here
 * only: it waits on client timeouts, and the database is incidental to it beyond rolling back.
 */

import { adfsAuthScenarios } from './scenarios/adfs-auth';
import { correctnessScenarios } from './scenarios/correctness';
import { faultInjectionScenarios } from './scenarios/fault-injection';
import { foreignKeyScenarios } from './scenarios/foreign-keys';
import { queryScenarios } from './scenarios/queries';
import { readThroughScenarios } from './scenarios/read-through';
import { writeThroughScenarios } from './scenarios/write-through';
import { describeDatabase } from './support/end-to-end';

describeDatabase('postgresql', (f) => {
  writeThroughScenarios(f);
  readThroughScenarios(f);
  queryScenarios(f);
  foreignKeyScenarios(f);
  correctnessScenarios(f);
  faultInjectionScenarios(f);
  adfsAuthScenarios(f);
});
