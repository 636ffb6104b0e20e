/**
 * The runs of a fund on the table (the `SNAP#<asOf>` items): every run exactly once (conditional
 * put), its gzipped body inline or split into `PART#` items, summary attributes kept plain so
 * listings never decompress, and the step records that finish after the put in `completedSteps`.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { MarketSnapshotSchema, ReserveResultSchema } from '../model/schemas.ts';
import { InvalidInputError } from '../model/validation.ts';
import type { RunRepository } from '../pipeline/ports.ts';
import { DataFlagSchema, ObservationSchema } from '../run/observation.ts';
import { type StepRecord, StepRecordSchema } from '../run/step-record.ts';
import { type RunSummary, RunSummarySchema, type StoredRun } from '../run/stored-run.ts';
import {
  bodyDigest,
  compressJson,
  decompressJson,
  INLINE_BODY_MAX_BYTES,
  joinBytes,
  splitBytes,
} from './body-codec.ts';
import { CorruptItemError } from './errors.ts';
import { bodyBytes, decodeBody } from './item-body.ts';
import { canonicalTime, fundPk, partSk, SNAPSHOT_PREFIX, snapshotSk } from './keys.ts';
import { type Item, isConditionFailure, type QueryParams, type TableClient } from './table-client.ts';

/** Version of the snapshot item layout, stored as `format`. */
export const SNAPSHOT_ITEM_FORMAT = 1;
/** Default page size of {@link DynamoRunRepository.history}. */
export const DEFAULT_HISTORY_LIMIT = 20;
/** Largest page {@link DynamoRunRepository.history} returns. */
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

/** The body of a snapshot item: everything of a StoredRun that is not a plain attribute. */
const RunBodySchema = z.object({
  snapshot: MarketSnapshotSchema,
  result: ReserveResultSchema,
  observations: z.array(ObservationSchema),
  flags: z.array(DataFlagSchema),
  steps: z.array(StepRecordSchema),
});

/** {@link RunRepository} on one table. */
export class DynamoRunRepository implements RunRepository {
  readonly #table: TableClient;

  constructor(table: TableClient) {
    this.#table = table;
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
    if (await this.#table.putIfAbsent(item)) return { stored: true };
    if (parts.length > 0) await this.#discardParts(pk, sk, run.asOf, digest, parts.length);
    return { stored: false };
  }

  /**
   * Appends the records of the steps that ran after `putRun` to the plain list attribute
   * `completedSteps` of the snapshot item (the compressed body is never rewritten). Conditional on
   * the item existing.
   */
  async recordCompletion(fundId: string, asOf: string, steps: readonly StepRecord[]): Promise<void> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: { pk: fundPk(fundId), sk: snapshotSk(asOf) },
          // Appended, so a retried tick's resumed alert step adds its record to the first attempt's.
          UpdateExpression: 'SET completedSteps = list_append(if_not_exists(completedSteps, :none), :steps)',
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':steps': steps.map((s) => ({ ...s })), ':none': [] },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
  }

  /** The newest run of a fund, or null. */
  async latest(fundId: string): Promise<StoredRun | null> {
    const out = await this.#table.doc.send(
      new QueryCommand({
        TableName: this.#table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': fundPk(fundId), ':prefix': SNAPSHOT_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item === undefined ? null : this.#decodeRun(item);
  }

  /** The newest run strictly before `asOf`, or null: the previous run of a tick valued at `asOf`. */
  async latestBefore(fundId: string, asOf: string): Promise<StoredRun | null> {
    const out = await this.#table.doc.send(
      new QueryCommand({
        TableName: this.#table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: {
          ':pk': fundPk(fundId),
          ':lower': SNAPSHOT_PREFIX,
          // The greatest key below SNAP#<asOf>: BETWEEN is inclusive, so stop one millisecond short.
          ':upper': snapshotSk(new Date(Date.parse(canonicalTime(asOf)) - 1).toISOString()),
        },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item === undefined ? null : this.#decodeRun(item);
  }

  /** The run of a fund at `asOf` (any ISO spelling of the same instant), or null. */
  async get(fundId: string, asOf: string): Promise<StoredRun | null> {
    const out = await this.#table.doc.send(
      new GetCommand({ TableName: this.#table.tableName, Key: { pk: fundPk(fundId), sk: snapshotSk(asOf) } }),
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
    const page = await this.#table.queryPages(snapshotRange(fundId, query), limit, start);
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
    const page = await this.#table.queryPages(params, limit, undefined);
    return page.items.map((item) => {
      const parsed = RunSummarySchema.safeParse(item);
      if (!parsed.success) {
        throw new CorruptItemError(String(item.pk), String(item.sk), parsed.error.message, {
          cause: parsed.error,
        });
      }
      const { openInterestUsd, ...summary } = parsed.data;
      return openInterestUsd === undefined ? summary : { ...summary, openInterestUsd };
    });
  }

  async #put(item: Item): Promise<void> {
    await this.#table.doc.send(new PutCommand({ TableName: this.#table.tableName, Item: item }));
  }

  /** After losing the put race: remove our parts unless the stored run is byte-identical (shares them). */
  async #discardParts(pk: string, sk: string, asOf: string, digest: string, count: number): Promise<void> {
    const existing = await this.#table.doc.send(
      new GetCommand({
        TableName: this.#table.tableName,
        Key: { pk, sk },
        ProjectionExpression: 'bodyDigest',
      }),
    );
    if (existing.Item?.bodyDigest === digest) return;
    for (let index = 0; index < count; index++) {
      await this.#table.doc.send(
        new DeleteCommand({ TableName: this.#table.tableName, Key: { pk, sk: partSk(asOf, digest, index) } }),
      );
    }
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
      observations: body.observations,
      flags: body.flags,
      steps: [...body.steps, ...completedSteps(item)],
      ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
    };
  }

  /** The compressed body: inline, or reassembled from its parts and checked against its digest. */
  async #readBody(item: Item, pk: string, sk: string): Promise<Uint8Array> {
    const digest = String(item.bodyDigest);
    const count = Number(item.bodyParts ?? 0);
    let bytes: Uint8Array;
    if (count === 0) {
      bytes = bodyBytes(item);
    } else {
      const asOf = String(item.asOf);
      const parts = await Promise.all(
        Array.from({ length: count }, async (_, index) => {
          const key = { pk, sk: partSk(asOf, digest, index) };
          const out = await this.#table.doc.send(
            new GetCommand({ TableName: this.#table.tableName, Key: key }),
          );
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

const StepRecordsSchema = z.array(StepRecordSchema);

/** The step records added by {@link DynamoRunRepository.recordCompletion}, if any. */
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
