/**
 * The snapshot store on DynamoDB (DESIGN.md §3.4): every run exactly once, the fund's alert state
 * under optimistic locking, and the notification outbox. Used by the Lambda (real DynamoDB) and the
 * CLI (dynalite in-process), so both exercise the same code. No transactions, no PartiQL, no
 * UpdateTimeToLive: dynalite lacks them, and nothing here needs them.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { FundOutlookSchema } from '../manage/outlook-schema.ts';
import { MarketSnapshotSchema, ReserveResultSchema, RunStatusSchema } from '../model/schemas.ts';
import { InvalidInputError } from '../model/validation.ts';
import type {
  AlertState,
  OutboxItem,
  RunSummary,
  SnapshotStore,
  StepRecord,
  StoredRun,
} from '../pipeline/ports.ts';
import {
  bodyDigest,
  compressJson,
  decompressJson,
  INLINE_BODY_MAX_BYTES,
  joinBytes,
  splitBytes,
} from './body-codec.ts';
import { CorruptItemError, ItemTooLargeError, StoreOptionsError } from './errors.ts';
import { itemSizeBytes } from './item-size.ts';
import {
  ALERT_STATE_SK,
  canonicalTime,
  fundPk,
  OUTBOX_PREFIX,
  outboxSk,
  partSk,
  SNAPSHOT_PREFIX,
  snapshotSk,
} from './keys.ts';

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** Version of the snapshot item layout, stored as `format`. */
export const SNAPSHOT_ITEM_FORMAT = 1;
/** Default page size of {@link DynamoSnapshotStore.history}. */
export const DEFAULT_HISTORY_LIMIT = 20;
/** Largest page {@link DynamoSnapshotStore.history} returns. */
export const MAX_HISTORY_LIMIT = 1000;

/** Attributes kept plain on a snapshot item so listings never decompress the body. */
const SUMMARY_ATTRIBUTES = [
  'pk',
  'sk',
  'fundId',
  'asOf',
  'runId',
  'status',
  'fundBalanceUsd',
  'requiredReserveUsd',
  'coverageRatio',
  'openInterestUsd',
] as const;

/** Options of {@link DynamoSnapshotStore}. */
export interface DynamoSnapshotStoreOptions {
  readonly tableName: string;
  /** An SDK client to reuse (a plain client is wrapped in a DocumentClient). */
  readonly client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Settings for a new client when `client` is absent (endpoint, region, credentials). */
  readonly clientConfig?: DynamoDBClientConfig;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** The body of a snapshot item: everything of a StoredRun that is not a plain attribute. */
const RunBodySchema = z.object({
  snapshot: MarketSnapshotSchema,
  result: ReserveResultSchema,
  observations: z.array(z.looseObject({ venue: z.string(), field: z.string() })),
  flags: z.array(z.looseObject({ code: z.string(), detail: z.string() })),
  steps: z.array(z.looseObject({ step: z.string(), ms: z.number(), outcome: z.string() })),
  /** The run's one-year outlook; absent on runs stored before it existed. */
  outlook: FundOutlookSchema.optional(),
});

/** A RunSummary as read from the plain attributes (z.object drops the projected keys). */
const SummarySchema = z.object({
  fundId: z.string(),
  asOf: z.string(),
  runId: z.string(),
  status: RunStatusSchema,
  fundBalanceUsd: z.number().nullable(),
  requiredReserveUsd: z.number(),
  coverageRatio: z.number().nullable(),
  /** Absent on items written before it was stored. */
  openInterestUsd: z.number().optional(),
});

const AlertStateItemSchema = z.object({
  fundId: z.string(),
  status: RunStatusSchema,
  coverageStatus: RunStatusSchema.optional(),
  since: z.string(),
  lastNotified: z.record(z.string(), z.string()),
  version: z.number().int().gte(1),
});

const OutboxBodySchema = z.looseObject({
  notification: z.looseObject({
    fundId: z.string(),
    asOf: z.string(),
    kind: z.string(),
    severity: z.string(),
  }),
  snapshotKey: z.string(),
  result: ReserveResultSchema,
});

type Item = Record<string, unknown>;
/** A Query of this table (the table name is added by the store). */
type QueryParams = Omit<QueryCommandInput, 'TableName'>;

/**
 * {@link SnapshotStore} on one DynamoDB table with `pk`/`sk` string keys.
 *
 * Snapshot bodies (snapshot, result, observations, flags, steps) are gzipped JSON in the binary
 * attribute `body`; summary attributes stay plain for listings. A body too large for one item is
 * split into `PART#` items named by its digest (see body-codec.ts).
 *
 * @example
 * const store = new DynamoSnapshotStore({ tableName: 'backstop', clientConfig: localClientConfig(endpoint) });
 * const { stored } = await store.putRun(run); // false: this fund + asOf was already stored
 */
export class DynamoSnapshotStore implements SnapshotStore {
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;

  constructor(options: DynamoSnapshotStoreOptions) {
    const { tableName, client, clientConfig } = options ?? ({} as DynamoSnapshotStoreOptions);
    if (typeof tableName !== 'string' || !TABLE_NAME.test(tableName)) {
      throw new StoreOptionsError(
        'tableName',
        `expected 3-255 characters of a-z A-Z 0-9 _ . -, got ${JSON.stringify(tableName)}`,
      );
    }
    if (client !== undefined && clientConfig !== undefined) {
      throw new StoreOptionsError('clientConfig', 'give either client or clientConfig, not both');
    }
    if (
      client !== undefined &&
      !(client instanceof DynamoDBClient || client instanceof DynamoDBDocumentClient)
    ) {
      throw new StoreOptionsError(
        'client',
        `expected a DynamoDBClient or DynamoDBDocumentClient, got ${typeof client}`,
      );
    }
    this.tableName = tableName;
    const base = client ?? new DynamoDBClient(clientConfig ?? {});
    this.#doc =
      base instanceof DynamoDBDocumentClient
        ? base
        : DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Conditional put: `{ stored: false }` when this fund + asOf exists; never overwrites. */
  async putRun(run: StoredRun): Promise<{ stored: boolean }> {
    const pk = fundPk(run.fundId);
    const sk = snapshotSk(run.asOf);
    const body = compressJson({
      snapshot: run.snapshot,
      result: run.result,
      observations: run.observations,
      flags: run.flags,
      steps: run.steps,
      ...(run.outlook === undefined ? {} : { outlook: run.outlook }),
    });
    const digest = bodyDigest(body);
    const parts = body.byteLength <= INLINE_BODY_MAX_BYTES ? [] : splitBytes(body);
    const ttl = run.expiresAt === undefined ? {} : { expiresAt: run.expiresAt };
    // Parts first: once the snapshot item exists, everything it points to exists.
    for (const [index, part] of parts.entries()) {
      await this.#put({ pk, sk: partSk(run.asOf, digest, index), body: part, ...ttl });
    }
    const item: Item = {
      pk,
      sk,
      format: SNAPSHOT_ITEM_FORMAT,
      fundId: run.fundId,
      asOf: run.asOf,
      runId: run.runId,
      modelVersion: run.modelVersion,
      status: run.result.status,
      coverageStatus: run.result.coverageStatus,
      coverageRatio: run.result.coverageRatio,
      fundBalanceUsd: run.result.fundBalanceUsd,
      requiredReserveUsd: run.result.requiredReserveUsd,
      openInterestUsd: run.snapshot.markets.reduce((sum, m) => sum + m.openInterestUsd, 0),
      marketCount: run.snapshot.markets.length,
      flagCount: run.flags.length,
      bodyDigest: digest,
      bodyBytes: body.byteLength,
      bodyParts: parts.length,
      ...(parts.length === 0 ? { body } : {}),
      ...ttl,
    };
    if (await this.#putIfAbsent(item)) return { stored: true };
    if (parts.length > 0) await this.#discardParts(pk, sk, run.asOf, digest, parts.length);
    return { stored: false };
  }

  /**
   * Stores the records of the steps that ran after `putRun` in the plain attribute `completedSteps`
   * of the snapshot item (the compressed body is never rewritten). Conditional on the item existing.
   */
  async recordCompletion(fundId: string, asOf: string, steps: readonly StepRecord[]): Promise<void> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: fundPk(fundId), sk: snapshotSk(asOf) },
          UpdateExpression: 'SET completedSteps = :steps',
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':steps': steps.map((s) => ({ ...s })) },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /** The newest run of a fund, or null. */
  async latest(fundId: string): Promise<StoredRun | null> {
    const out = await this.#doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': fundPk(fundId), ':prefix': SNAPSHOT_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item === undefined ? null : this.#decodeRun(item);
  }

  /** The run of a fund at `asOf` (any ISO spelling of the same instant), or null. */
  async get(fundId: string, asOf: string): Promise<StoredRun | null> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: fundPk(fundId), sk: snapshotSk(asOf) } }),
    );
    return out.Item === undefined ? null : this.#decodeRun(out.Item);
  }

  /**
   * Runs in `[from, to]`, newest first, `limit` per page (default 20, at most 1000). Pass the returned
   * `cursor` to continue; no `cursor` means there is nothing more.
   */
  async history(
    fundId: string,
    query: { from?: string; to?: string; limit?: number; cursor?: string } = {},
  ): Promise<{ runs: StoredRun[]; cursor?: string }> {
    const limit = checkLimit(query.limit ?? DEFAULT_HISTORY_LIMIT);
    const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, fundPk(fundId));
    const page = await this.#queryPages(snapshotRange(fundId, query), limit, start);
    const runs: StoredRun[] = [];
    for (const item of page.items) runs.push(await this.#decodeRun(item));
    return page.next === undefined ? { runs } : { runs, cursor: encodeCursor(page.next) };
  }

  /** Summaries of the runs in `[from, to]`, newest first, read from plain attributes only. */
  async summaries(
    fundId: string,
    query: { from?: string; to?: string; limit?: number } = {},
  ): Promise<RunSummary[]> {
    const limit = query.limit === undefined ? Number.POSITIVE_INFINITY : checkLimit(query.limit);
    const params: QueryParams = {
      ...snapshotRange(fundId, query),
      ProjectionExpression: SUMMARY_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(SUMMARY_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
    };
    const page = await this.#queryPages(params, limit, undefined);
    return page.items.map((item) => {
      const parsed = SummarySchema.safeParse(item);
      if (!parsed.success) {
        throw new CorruptItemError(String(item.pk), String(item.sk), parsed.error.message, {
          cause: parsed.error,
        });
      }
      const { openInterestUsd, ...summary } = parsed.data;
      return openInterestUsd === undefined ? summary : { ...summary, openInterestUsd };
    });
  }

  /** The fund's alert state, or null before its first alert decision. */
  async getAlertState(fundId: string): Promise<AlertState | null> {
    const pk = fundPk(fundId);
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: ALERT_STATE_SK } }),
    );
    if (out.Item === undefined) return null;
    const parsed = AlertStateItemSchema.safeParse(out.Item);
    if (!parsed.success)
      throw new CorruptItemError(pk, ALERT_STATE_SK, parsed.error.message, { cause: parsed.error });
    const { coverageStatus, ...rest } = parsed.data;
    return coverageStatus === undefined ? rest : { ...rest, coverageStatus };
  }

  /**
   * Optimistic locking: writes `next` only if the stored version is `next.version - 1` (or no state
   * exists and `next.version` is 1). `{ won: false }` means another writer got there first: re-read
   * and decide again.
   */
  async putAlertState(next: AlertState): Promise<{ won: boolean }> {
    if (!Number.isInteger(next.version) || next.version < 1) {
      throw new InvalidInputError(
        `alertState.version: expected an integer >= 1, got ${JSON.stringify(next.version)}`,
        'alertState.version',
      );
    }
    const item: Item = {
      pk: fundPk(next.fundId),
      sk: ALERT_STATE_SK,
      fundId: next.fundId,
      status: next.status,
      ...(next.coverageStatus === undefined ? {} : { coverageStatus: next.coverageStatus }),
      since: next.since,
      lastNotified: { ...next.lastNotified },
      version: next.version,
    };
    const condition =
      next.version === 1
        ? { ConditionExpression: 'attribute_not_exists(sk)' }
        : {
            ConditionExpression: '#version = :previous',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':previous': next.version - 1 },
          };
    try {
      await this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
      return { won: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { won: false };
      throw error;
    }
  }

  /**
   * Writes notifications to the outbox before anyone tries to send them. Idempotent: an item that is
   * already there (same fund, asOf and kind) is left as it is and not returned in `enqueued`.
   */
  async enqueue(items: readonly OutboxItem[]): Promise<{ enqueued: OutboxItem[] }> {
    const enqueued: OutboxItem[] = [];
    for (const outboxItem of items) {
      const n = outboxItem.notification;
      const sk = outboxSk(n.asOf, n.kind);
      const body = compressJson(outboxItem);
      const item: Item = {
        pk: fundPk(n.fundId),
        sk,
        fundId: n.fundId,
        asOf: n.asOf,
        kind: n.kind,
        severity: n.severity,
        status: n.status,
        body,
      };
      const size = itemSizeBytes(item);
      if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(sk, size, MAX_ITEM_BYTES);
      if (await this.#putIfAbsent(item)) enqueued.push(outboxItem);
    }
    return { enqueued };
  }

  /** Outbox items of a fund not yet acknowledged, oldest first. */
  async pending(fundId: string): Promise<OutboxItem[]> {
    const page = await this.#queryPages(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': fundPk(fundId), ':prefix': OUTBOX_PREFIX },
        ScanIndexForward: true,
      },
      Number.POSITIVE_INFINITY,
      undefined,
    );
    return page.items.map((item) => {
      const decoded = decodeBody(item, () => decompressJson(asBytes(item)), OutboxBodySchema);
      return decoded as unknown as OutboxItem;
    });
  }

  /** Removes a delivered item from the outbox (a no-op if it is already gone). */
  async ack(item: OutboxItem): Promise<void> {
    const n = item.notification;
    await this.#doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: fundPk(n.fundId), sk: outboxSk(n.asOf, n.kind) },
      }),
    );
  }

  async #put(item: Item): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Conditional put on a new key; false when the key exists. */
  async #putIfAbsent(item: Item): Promise<boolean> {
    const size = itemSizeBytes(item);
    if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(String(item.sk), size, MAX_ITEM_BYTES);
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** After losing the put race: remove our parts unless the stored run is byte-identical (shares them). */
  async #discardParts(pk: string, sk: string, asOf: string, digest: string, count: number): Promise<void> {
    const existing = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ProjectionExpression: 'bodyDigest' }),
    );
    if (existing.Item?.bodyDigest === digest) return;
    for (let index = 0; index < count; index++) {
      await this.#doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: partSk(asOf, digest, index) } }),
      );
    }
  }

  /** Follows LastEvaluatedKey until `limit` items are read or the range is exhausted. */
  async #queryPages(
    params: QueryParams,
    limit: number,
    start: Record<string, unknown> | undefined,
  ): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
    const items: Item[] = [];
    let next = start;
    do {
      const remaining = limit - items.length;
      const out = await this.#doc.send(
        new QueryCommand({
          ...params,
          TableName: this.tableName,
          ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
          ...(next === undefined ? {} : { ExclusiveStartKey: next }),
        }),
      );
      items.push(...(out.Items ?? []));
      next = out.LastEvaluatedKey;
    } while (next !== undefined && items.length < limit);
    return next === undefined ? { items } : { items, next };
  }

  async #decodeRun(item: Item): Promise<StoredRun> {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (item.format !== SNAPSHOT_ITEM_FORMAT) {
      throw new CorruptItemError(pk, sk, `unknown format ${JSON.stringify(item.format)}`);
    }
    const bytes = await this.#readBody(item, pk, sk);
    const body = decodeBody(item, () => decompressJson(bytes), RunBodySchema);
    return {
      fundId: String(item.fundId),
      asOf: String(item.asOf),
      runId: String(item.runId),
      modelVersion: String(item.modelVersion),
      snapshot: body.snapshot,
      result: body.result,
      observations: body.observations as unknown as StoredRun['observations'],
      flags: body.flags as unknown as StoredRun['flags'],
      steps: [...(body.steps as unknown as StepRecord[]), ...completedSteps(item)],
      ...(body.outlook === undefined ? {} : { outlook: body.outlook }),
      ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
    };
  }

  /** The compressed body: inline, or reassembled from its parts and checked against its digest. */
  async #readBody(item: Item, pk: string, sk: string): Promise<Uint8Array> {
    const digest = String(item.bodyDigest);
    const count = Number(item.bodyParts ?? 0);
    let bytes: Uint8Array;
    if (count === 0) {
      bytes = asBytes(item);
    } else {
      const asOf = String(item.asOf);
      const parts = await Promise.all(
        Array.from({ length: count }, async (_, index) => {
          const key = { pk, sk: partSk(asOf, digest, index) };
          const out = await this.#doc.send(new GetCommand({ TableName: this.tableName, Key: key }));
          if (!(out.Item?.body instanceof Uint8Array))
            throw new CorruptItemError(pk, sk, `part ${index} missing`);
          return out.Item.body;
        }),
      );
      bytes = joinBytes(parts);
    }
    if (bodyDigest(bytes) !== digest) throw new CorruptItemError(pk, sk, 'body digest mismatch');
    return bytes;
  }
}

const StepRecordsSchema = z.array(
  z.looseObject({
    step: z.enum(['ingest', 'recalibrate', 'reserve', 'persist', 'alert']),
    ms: z.number(),
    outcome: z.enum(['ok', 'degraded', 'failed', 'skipped']),
    detail: z.string().optional(),
  }),
);

/** The step records added by {@link DynamoSnapshotStore.recordCompletion}, if any. */
function completedSteps(item: Item): StepRecord[] {
  if (item.completedSteps === undefined) return [];
  const parsed = StepRecordsSchema.safeParse(item.completedSteps);
  if (!parsed.success) {
    throw new CorruptItemError(
      String(item.pk),
      String(item.sk),
      'completedSteps is not a list of step records',
    );
  }
  return parsed.data as StepRecord[];
}

function asBytes(item: Item): Uint8Array {
  if (item.body instanceof Uint8Array) return item.body;
  throw new CorruptItemError(String(item.pk), String(item.sk), 'no binary body');
}

function decodeBody<S extends z.ZodType>(item: Item, read: () => unknown, schema: S): z.output<S> {
  const pk = String(item.pk);
  const sk = String(item.sk);
  let raw: unknown;
  try {
    raw = read();
  } catch (error) {
    if (error instanceof CorruptItemError) throw error;
    throw new CorruptItemError(pk, sk, `body does not decompress to JSON (${String(error)})`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptItemError(pk, sk, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Key condition for the snapshot items of a fund in `[from, to]` (both inclusive, both optional). */
function snapshotRange(fundId: string, query: { from?: string; to?: string }): QueryParams {
  const lower = `${SNAPSHOT_PREFIX}${query.from === undefined ? '' : canonicalTime(query.from, 'from')}`;
  // U+FFFF sorts after every character a timestamp can contain.
  const upper = `${SNAPSHOT_PREFIX}${query.to === undefined ? '\uffff' : canonicalTime(query.to, 'to')}`;
  return {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
    ExpressionAttributeValues: { ':pk': fundPk(fundId), ':lower': lower, ':upper': upper },
    ScanIndexForward: false,
  };
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new InvalidInputError(
      `limit: expected an integer from 1 to ${MAX_HISTORY_LIMIT}, got ${JSON.stringify(limit)}`,
      'limit',
    );
  }
  return limit;
}

/** Cursor = base64url JSON of DynamoDB's LastEvaluatedKey (only string keys here). */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, pk: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      typeof key === 'object' &&
      key !== null &&
      (key as Item).pk === pk &&
      typeof (key as Item).sk === 'string' &&
      String((key as Item).sk).startsWith(SNAPSHOT_PREFIX)
    ) {
      return key as Item;
    }
  } catch {
    // fall through to the one error below
  }
  throw new InvalidInputError(
    `cursor: not a history cursor of ${pk}, got ${JSON.stringify(cursor)}`,
    'cursor',
  );
}
