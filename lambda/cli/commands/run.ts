/**
 * `backstop run`: one full recalibration — the Lambda function's pipeline in this process, wired to
 * local defaults (the demo fund, the venue replay server, the embedded store under .backstop/, the
 * console) so that `npm start` works from a fresh clone with no network and no AWS account.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { loadFundConfig } from '../../config/load-fund-config.ts';
import { startReplayServer } from '../../ingest/replay/replay-server.ts';
import { createVenueMarketSource } from '../../ingest/venue-market-source.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { ConsoleNotifier } from '../../notify/console-notifier.ts';
import { SnsNotifier } from '../../notify/sns-notifier.ts';
import { parseAsOf } from '../../pipeline/as-of.ts';
import type { MarketSource, Notifier } from '../../pipeline/ports.ts';
import { type PipelineProgress, runPipeline } from '../../pipeline/run-pipeline.ts';
import { renderRunSummary } from '../../present/run-summary-text.ts';
import type { StepRecord } from '../../run/step-record.ts';
import { WORKERS_USAGE, withPathWorkers, workersOption } from '../../scale/workers-option.ts';
import { DEFAULT_FUND_FILE } from '../fund-option.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';
import { progressLine } from '../render/progress.ts';

const USAGE = `usage: backstop run [--fund FILE] [--source replay|live] [--store embedded|dynamodb]
                   [--endpoint URL] [--table NAME] [--notify console|sns] [--topic-arn ARN]
                   [--as-of ISO] [--workers N] [--json]

One full recalibration: ingest, recalibrate, reserve, persist, alert.
  --fund FILE        fund config (default ${DEFAULT_FUND_FILE})
  --source           replay (recorded venue responses on 127.0.0.1, default) or live venues
  --store            embedded (dynalite under .backstop/dynamo, default) or dynamodb
  --endpoint URL     DynamoDB endpoint (with --store dynamodb)
  --table NAME       DynamoDB table (with --store dynamodb; default BACKSTOP_TABLE_NAME)
  --notify           console (default) or sns
  --topic-arn ARN    SNS topic (with --notify sns)
  --as-of ISO        valuation time (default now, truncated to the minute)
${WORKERS_USAGE.replace('--workers N     ', '--workers N       ')}
  --json             print the run outcome as JSON only
`;

/** The `run` command; returns the exit code (0 ok, 1 failure, 2 bad input). */
export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      source: { type: 'string' },
      ...STORE_OPTIONS,
      notify: { type: 'string' },
      'topic-arn': { type: 'string' },
      'as-of': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'run',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const sourceKind = oneOf(values.source ?? 'replay', ['replay', 'live'], 'source');
  const notifyKind = oneOf(values.notify ?? 'console', ['console', 'sns'], 'notify');
  const topicArn = topicArnOption(values['topic-arn'], notifyKind);
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const asOf = parseAsOf(values['as-of'], new Date());
  const workers = workersOption(values.workers);
  const config = await loadFundConfig(resolve(io.cwd, values.fund ?? DEFAULT_FUND_FILE));

  const alertTexts: string[] = [];
  const notifier: Notifier =
    topicArn === null
      ? new ConsoleNotifier({ write: (text) => (values.json ? io.stderr(text) : alertTexts.push(text)) })
      : new SnsNotifier({ topicArn, client: new SNSClient({}) });
  const replay = sourceKind === 'replay' ? await startReplayServer() : null;
  try {
    const source: MarketSource = createVenueMarketSource({
      env: replay === null ? { ...io.env } : replay.env(),
    });
    const opened = await openStore(location);
    try {
      // The workers start while the venues are read, so they are up when the Monte Carlo begins.
      const { outcome, run } = await withPathWorkers(workers, (pathRunner) =>
        runPipeline({
          config,
          asOf,
          runId: randomUUID(),
          source,
          store: opened.store,
          notifiers: [notifier],
          clock: { now: () => new Date() },
          ...(io.stderrIsTty ? { onProgress: progressReporter(io) } : {}),
          ...(pathRunner === undefined ? {} : { pathRunner }),
        }),
      );
      io.stdout(
        values.json ? `${JSON.stringify(outcome, null, 2)}\n` : renderRunSummary(outcome, run, alertTexts),
      );
      if (outcome.notifications.error !== undefined || outcome.notifications.failed > 0) {
        const { error, failed } = outcome.notifications;
        io.stderr(
          error === undefined
            ? `error: the run is stored but ${failed} notification(s) could not be sent; they stay queued in the outbox for the next run\n`
            : `error: the run is stored but its alert step failed (${error}); the next run or a retry of this tick resumes it\n`,
        );
        return ExitCode.Failure;
      }
      return ExitCode.Ok;
    } finally {
      await opened.close();
    }
  } finally {
    await replay?.close();
  }
}

/** `--topic-arn`: required with `--notify sns`, meaningless without it; null for the console. */
function topicArnOption(value: string | undefined, notify: 'console' | 'sns'): string | null {
  if (notify === 'console') {
    if (value === undefined) return null;
    throw new InvalidInputError(
      `--topic-arn: only with --notify sns, got ${JSON.stringify(value)}`,
      'topic-arn',
    );
  }
  if (value === undefined || !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(value)) {
    throw new InvalidInputError(
      `--topic-arn: an SNS topic ARN is required with --notify sns, got ${JSON.stringify(value ?? null)}`,
      'topic-arn',
    );
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidInputError(
    `--${option}: expected ${allowed.join(' or ')}, got ${JSON.stringify(value)}`,
    option,
  );
}

/** What a person reads while a step runs (the market source recalibrates as it ingests). */
const STEP_LABEL: Record<StepRecord['step'], string> = {
  ingest: 'fetching venue data and recalibrating',
  recalibrate: 'recalibrating',
  reserve: 'computing the reserve',
  persist: 'storing the snapshot',
  alert: 'deciding and sending alerts',
};

/** Step names, then the Monte Carlo progress line, on a terminal's stderr. */
function progressReporter(io: CommandIo): (progress: PipelineProgress) => void {
  const paths = progressLine((text) => io.stderr(text));
  return (progress) => {
    if (progress.kind === 'step') io.stderr(`${STEP_LABEL[progress.step]}…\n`);
    else paths(progress.done, progress.total);
  };
}
