/**
 * `backstop run`: one full recalibration — the Lambda function's pipeline in this process, wired to
 * local defaults (the demo fund, the venue replay server, the embedded store under .backstop/, the
 * console) so that `npm start` works from a fresh clone with no network and no AWS account.
 */
import { randomUUID } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { FundModelSchema } from '../../config/fund-config.ts';
import { startReplayServer } from '../../ingest/replay/replay-server.ts';
import { RECORDED_AS_OF } from '../../ingest/replay/retime.ts';
import { createVenueMarketSource } from '../../ingest/venue-market-source.ts';
import { InvalidInputError } from '../../model/validation.ts';
import { ssmSecretReader } from '../../notify/channel-secrets.ts';
import { channelEndpointsFromEnv, channelNotifiers } from '../../notify/configured-channels.ts';
import { ConsoleNotifier } from '../../notify/console-notifier.ts';
import { SnsNotifier } from '../../notify/sns-notifier.ts';
import type { MarketSource, Notifier } from '../../pipeline/ports.ts';
import { type PipelineProgress, runPipeline } from '../../pipeline/run-pipeline.ts';
import { alertSilence } from '../../present/alert-silence.ts';
import { sensitivityOf } from '../../present/explain.ts';
import { renderRunSummary } from '../../present/run-summary-text.ts';
import type { StepRecord } from '../../run/step-record.ts';
import { WORKERS_USAGE, withPathWorkers, workersOption } from '../../scale/workers-option.ts';
import { configDrift } from '../config-drift.ts';
import { asOfOption } from '../dates.ts';
import { failOnOption, failOnReason } from '../fail-on.ts';
import { DEFAULT_FUND_FILE, resolveFundConfig } from '../fund-option.ts';
import { type CommandIo, ExitCode, intOption, parseOptions } from '../io.ts';
import { openStore, STORE_OPTIONS, storeLocationFromOptions } from '../local-store.ts';
import { progressLine } from '../render/progress.ts';

const USAGE = `usage: backstop run [--fund FILE|ID] [--source replay|live] [--store embedded|dynamodb]
                   [--endpoint URL] [--table NAME] [--notify console|sns] [--topic-arn ARN]
                   [--channels configured|none] [--as-of ISO] [--paths N] [--workers N] [--fail-on warn|breach] [--json]

One full recalibration: ingest, recalibrate, reserve, persist, alert.
  --fund FILE|ID     fund config file (- = stdin) or fund id under config/funds/ (default ${DEFAULT_FUND_FILE})
  --source           replay (recorded venue responses on 127.0.0.1, re-timed to --as-of; default) or live venues
  --store            embedded (dynalite under .backstop/dynamo, default) or dynamodb
  --endpoint URL     DynamoDB endpoint (with --store dynamodb)
  --table NAME       DynamoDB table (with --store dynamodb; default BACKSTOP_TABLE_NAME)
  --notify           console (default) or sns
  --topic-arn ARN    SNS topic (with --notify sns)
  --channels         configured (default: also the fund's alerts.channels — PagerDuty, Telegram,
                     webhooks — their secrets read from SSM) or none
  --as-of ISO        valuation time (default now, truncated to the minute)
  --paths N          Monte Carlo paths (overrides model.paths)
${WORKERS_USAGE.replace('--workers N      ', '--workers N        ')}
  --fail-on LEVEL    exit 3 when the status is at or beyond warn or breach (UNKNOWN counts as breach)
  --json             print the run outcome as JSON only
Exit codes: 0 done, 1 failure, 2 bad input, 3 status at or beyond --fail-on.
`;

/** The `run` command; returns the exit code (0 ok, 1 failure, 2 bad input, 3 --fail-on). */
export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      fund: { type: 'string' },
      source: { type: 'string' },
      ...STORE_OPTIONS,
      notify: { type: 'string' },
      'topic-arn': { type: 'string' },
      channels: { type: 'string' },
      'as-of': { type: 'string' },
      paths: { type: 'string' },
      'fail-on': { type: 'string' },
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
  const channelsKind = oneOf(values.channels ?? 'configured', ['configured', 'none'], 'channels');
  const endpoints = channelEndpointsFromEnv(io.env);
  const location = storeLocationFromOptions(values, io.cwd, io.env);
  const asOf = asOfOption(values['as-of'], new Date());
  const paths = pathsOption(values.paths);
  const failOn = failOnOption(values['fail-on']);
  const workers = workersOption(values.workers);
  const loaded = (await resolveFundConfig(values.fund, io)).config;
  const config = paths === undefined ? loaded : { ...loaded, model: { ...loaded.model, paths } };

  const alertTexts: string[] = [];
  const notifier: Notifier =
    topicArn === null
      ? new ConsoleNotifier({ write: (text) => (values.json ? io.stderr(text) : alertTexts.push(text)) })
      : new SnsNotifier({ topicArn, client: new SNSClient({}) });
  const notifiers: Notifier[] = [
    notifier,
    ...(channelsKind === 'none'
      ? []
      : channelNotifiers(config, {
          secrets: ssmSecretReader((region) => new SSMClient(region === undefined ? {} : { region })),
          endpoints,
        })),
  ];
  const replay = sourceKind === 'replay' ? await startReplayServer({ retimeTo: asOf }) : null;
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
          notifiers,
          clock: { now: () => new Date() },
          ...(io.stderrIsTty ? { onProgress: progressReporter(io) } : {}),
          ...(pathRunner === undefined ? {} : { pathRunner }),
        }),
      );
      const drift = outcome.stored ? [] : configDrift(config, run.snapshot);
      if (values.json) {
        io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
        if (drift.length > 0) io.stderr(`warning: ${driftNote(drift)}\n`);
      } else {
        const state = await opened.store.getAlertState(config.fundId);
        const silence = alertSilence(outcome, state, config.alerts.reminderHours);
        io.stdout(
          renderRunSummary(outcome, run, {
            alertTexts,
            sensitivity: sensitivityOf(run.snapshot),
            configMarkets: config.markets,
            ...(replay === null ? {} : { dataSource: replayedNote(replay.retimedDays) }),
            ...(silence === undefined ? {} : { silence }),
            ...(drift.length === 0 ? {} : { reuseNote: driftNote(drift) }),
          }),
        );
      }
      if (outcome.notifications.error !== undefined || outcome.notifications.failed > 0) {
        const { error, failed } = outcome.notifications;
        io.stderr(
          error === undefined
            ? `error: the run is stored but ${failed} notification(s) could not be sent; they stay queued in the outbox for the next run\n`
            : `error: the run is stored but its alert step failed (${error}); the next run or a retry of this tick resumes it\n`,
        );
        return ExitCode.Failure;
      }
      const gate = failOnReason(run.result, failOn);
      if (gate !== undefined) {
        io.stderr(`backstop run: ${gate} (exit 3)\n`);
        return ExitCode.StatusGate;
      }
      return ExitCode.Ok;
    } finally {
      await opened.close();
    }
  } finally {
    await replay?.close();
  }
}

/** `--paths N`: the fund config's own rule for model.paths, naming the option. */
function pathsOption(value: string | undefined): number | undefined {
  const n = intOption(value, 'paths', 1);
  if (n === undefined) return undefined;
  const check = FundModelSchema.shape.paths.unwrap().safeParse(n);
  if (!check.success) {
    throw new InvalidInputError(
      `--paths: ${check.error.issues[0]?.message ?? 'out of range'}, got ${n}`,
      'paths',
    );
  }
  return n;
}

function driftNote(drift: readonly string[]): string {
  return `config changed since this tick was stored (${drift.join(', ')}); use --as-of for a new tick`;
}

/** Where replayed data came from, said plainly: these are not live prices. */
function replayedNote(days: number): string {
  const shift =
    days === 0
      ? 'as recorded'
      : `re-timed ${days > 0 ? '+' : ''}${days} day${Math.abs(days) === 1 ? '' : 's'} to the as-of`;
  return `REPLAYED venue recordings of ${RECORDED_AS_OF.slice(0, 10)} (${shift}), not live prices; --source live for live venues`;
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
