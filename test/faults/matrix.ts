/**
 * Runs the fault matrix (all rows, or the fast subset) and renders it as docs/RELIABILITY.md.
 */
import { startHarness } from './harness.ts';
import { controlMessages, type Row, SCENARIOS } from './scenarios.ts';

/** Runs the rows (the fast subset when `fast`), one harness for all, in order. */
export async function runMatrix(options: { fast: boolean; log?: (line: string) => void }): Promise<Row[]> {
  const h = await startHarness();
  try {
    const control = await controlMessages(h);
    const rows: Row[] = [];
    for (const s of SCENARIOS.filter((x) => !options.fast || x.fast)) {
      const result = await s.run(h, control);
      const row: Row = {
        id: s.id,
        ...(s.finding === undefined ? {} : { finding: s.finding }),
        fault: s.fault,
        how: s.how,
        expected: s.expected,
        ...result,
      };
      rows.push(row);
      options.log?.(`${row.holds ? 'holds' : 'FAILS'}  ${row.id}: ${row.observed}`);
    }
    return rows;
  } finally {
    await h.close();
  }
}

/** The counts under the matrix. */
export function counts(rows: readonly Row[]): string {
  const holding = rows.filter((r) => r.holds).length;
  const lost = rows.reduce((a, r) => a + r.lost, 0);
  const duplicated = rows.reduce((a, r) => a + r.duplicated, 0);
  const unnamed = rows.filter((r) => r.duplicated > 0 && !r.duplicatesNamed).length;
  return `${rows.length} rows: ${holding} hold, ${rows.length - holding} fail. Messages lost: ${lost}. Messages duplicated: ${duplicated} (${duplicated - rows.filter((r) => !r.duplicatesNamed).reduce((a, r) => a + r.duplicated, 0)} in the at-least-once cases the docs name, ${unnamed} rows with other duplicates). Findings 1-7 of issue 12: ${[1, 2, 3, 4, 5, 6, 7].map((f) => `${f} ${rows.filter((r) => r.finding === f).every((r) => r.holds) && rows.some((r) => r.finding === f) ? 'holds' : 'open'}`).join(', ')}.`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** docs/RELIABILITY.md. */
export function renderReliability(rows: readonly Row[], when: string): string {
  const table = rows
    .map(
      (r) =>
        `| ${r.finding ?? ''} | ${cell(r.fault)} | ${cell(r.how)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.lost} / ${r.duplicated}${r.duplicated > 0 && r.duplicatesNamed ? ' (named)' : ''} | ${r.holds ? 'holds' : '**fails**'} |`,
    )
    .join('\n');
  return `# Reliability: the fault matrix

What Backstop guarantees when things break, and the proof: every row below is the real CLI
(\`backstop run\`, a child process) against a DynamoDB-API proxy in front of dynalite that fails,
delays or kill -9s chosen operations and keys, a fake SNS endpoint, and the venue replay server with
its faults — all on 127.0.0.1. Message rows run the faulted tick, a retry of it and the next tick,
and compare what SNS received with a fault-free control: *lost* = control messages never published,
*duplicated* = publishes of an id already published.

Regenerate: \`npm run faults\` (all rows, about five minutes: two rows wait out the 2-minute outbox
lease). \`npm test\` runs the rows marked fast in \`test/faults/scenarios.ts\`
(\`test/integration/fault-matrix.test.ts\`). Generated ${when}.

## The guarantees

- **No reserve lowered without a flag.** Implausible or fast-falling open interest is held or
  raised to a bound, flagged, and the run DEGRADED with a DATA alert (docs/MARKET-DATA.md, "What may
  lower the reserve").
- **No alert lost.** The snapshot is stored before anything is sent; the alert state records the
  last run decided, so a retry — or the next tick — resumes a decision a crash or a table error
  interrupted; undelivered items stay in the outbox (docs/ALERTS.md §4).
- **No alert duplicated, except one named case.** Items are claimed with a conditional update and a
  lease before they are published. At-least-once remains where a channel accepted a message whose
  acknowledgement was lost: SNS took it but its answer never arrived (the SDK retries), or the process
  died or the table failed between publish and acknowledgement. The repeat carries the same
  \`messageId\` attribute (\`<fundId>/<asOf>/<kind>/<status>\`); a consumer that must not act twice
  keeps the ids it has seen for a day and drops repeats.
- **Bounded time.** A tick or \`--as-of\` more than 5 minutes in the future, or a tick older than
  2 × its schedule interval + 30 minutes, is refused (exit 2 / a payload error naming
  \`scheduledTime\`); the previous run of a tick is the newest stored before it.
- **An honest store.** A missing or damaged embedded store is one line and exit 1, never an empty
  store; its lock records pid, host and process start.
- **Inputs checked up front**, every number bounded; **IAM derived from the code**.

## The matrix

| finding | fault or input | how | expected | observed | lost / duplicated | |
|---|---|---|---|---|---|---|
${table}

${counts(rows)}
`;
}
