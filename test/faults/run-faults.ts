/**
 * `npm run faults`: runs every row of the fault matrix and rewrites docs/RELIABILITY.md; exits 1
 * when a row does not hold. `--fast` runs the subset `npm test` runs, without writing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.ts';
import { counts, renderReliability, runMatrix } from './matrix.ts';

const fast = process.argv.includes('--fast');
const rows = await runMatrix({ fast, log: (line) => process.stdout.write(`${line}\n`) });
if (!fast) {
  const when = `${new Date().toISOString().slice(0, 10)} on Node ${process.version}`;
  writeFileSync(join(REPO_ROOT, 'docs/RELIABILITY.md'), renderReliability(rows, when));
}
process.stdout.write(`${counts(rows)}\n`);
process.exit(rows.every((r) => r.holds) ? 0 : 1);
