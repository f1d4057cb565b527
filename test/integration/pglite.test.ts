/**
 * The behaviour scenarios against PGlite (in memory), a real CdmsClient and the CRM 2011 emulator
 * over real HTTP. PGlite boots once per file: that is most of this file's time.
 */
import { correctnessScenarios } from './scenarios/correctness';
import { foreignKeyScenarios } from './scenarios/foreign-keys';
import { queryScenarios } from './scenarios/queries';
import { readThroughScenarios } from './scenarios/read-through';
import { writeThroughScenarios } from './scenarios/write-through';
import { describeDatabase } from './support/end-to-end';

describeDatabase('pglite', (f) => {
  writeThroughScenarios(f);
  readThroughScenarios(f);
  queryScenarios(f);
  foreignKeyScenarios(f);
  correctnessScenarios(f);
});
