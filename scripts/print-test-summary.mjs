// Prints vitest's JSON reports as one plain closing line: "Tests: N passed, N failed, N skipped".
// With several reports (the suite on each Node version), one line per report, then the sum.
// Usage: node scripts/print-test-summary.mjs [report.json ...]   (default .tmp/vitest-report.json)
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.tmp/vitest-report.json'];
const total = { passed: 0, failed: 0, skipped: 0 };
let missing = false;
for (const file of files) {
  if (!existsSync(file)) {
    console.log(`${file}: no report written (the test run did not finish)`);
    missing = true;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
  for (const key of Object.keys(total)) total[key] += counts[key];
  if (files.length > 1) {
    console.log(`${file}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}
if (missing && total.passed + total.failed === 0) {
  console.log('Tests: no report written (the test run did not finish)');
  process.exit(1);
}
console.log(
  `Tests: ${total.passed} passed, ${total.failed + (missing ? 1 : 0)} failed, ${total.skipped} skipped`,
);
