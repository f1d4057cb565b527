/**
 * The behaviour scenarios against MariaDB/MySQL (127.0.0.1:3306, db `test`, tables named per run),
 * a real CdmsClient and the CRM 2011 emulator over real HTTP.
 */
import { correctnessScenarios } from './scenarios/correctness';
import { foreignKeyScenarios } from './scenarios/foreign-keys';
import { queryScenarios } from './scenarios/queries';
import { readThroughScenarios } from './scenarios/read-through';
import { writeThroughScenarios } from './scenarios/write-through';
import { describeDatabase } from './support/end-to-end';

describeDatabase('mysql', (f) => {
  writeThroughScenarios(f);
  readThroughScenarios(f);
  queryScenarios(f);
  foreignKeyScenarios(f);
  correctnessScenarios(f);
});
