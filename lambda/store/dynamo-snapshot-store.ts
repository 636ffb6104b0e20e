/**
 * The snapshot store on DynamoDB: the run, alert-state and outbox repositories over one table
 * (`pk`/`sk`, see keys.ts), behind the one {@link SnapshotStore} port the pipeline takes. Used by
 * the Lambda (real DynamoDB) and the CLI (dynalite in-process), so both exercise the same code.
 */
import type { SnapshotStore } from '../pipeline/ports.ts';
import { DynamoAlertStateRepository } from './alert-state-repository.ts';
import { DynamoOutboxRepository } from './outbox-repository.ts';
import { DynamoRunRepository } from './run-repository.ts';
import { TableClient, type TableClientOptions } from './table-client.ts';

export { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, SNAPSHOT_ITEM_FORMAT } from './run-repository.ts';
export { MAX_ITEM_BYTES } from './table-client.ts';

/** Options of {@link DynamoSnapshotStore}: the table and an SDK client (or its settings). */
export type DynamoSnapshotStoreOptions = TableClientOptions;

/**
 * {@link SnapshotStore} on one DynamoDB table.
 *
 * @example
 * const store = new DynamoSnapshotStore({ tableName: 'backstop', clientConfig: localClientConfig(endpoint) });
 * const { stored } = await store.putRun(run); // false: this fund + asOf was already stored
 */
export class DynamoSnapshotStore implements SnapshotStore {
  readonly tableName: string;
  readonly runs: DynamoRunRepository;
  readonly alertState: DynamoAlertStateRepository;
  readonly outbox: DynamoOutboxRepository;

  constructor(options: DynamoSnapshotStoreOptions) {
    const table = new TableClient(options);
    this.tableName = table.tableName;
    this.runs = new DynamoRunRepository(table);
    this.alertState = new DynamoAlertStateRepository(table);
    this.outbox = new DynamoOutboxRepository(table);
  }

  putRun: SnapshotStore['putRun'] = (run) => this.runs.putRun(run);
  recordCompletion: SnapshotStore['recordCompletion'] = (fundId, asOf, steps) =>
    this.runs.recordCompletion(fundId, asOf, steps);
  latest: SnapshotStore['latest'] = (fundId) => this.runs.latest(fundId);
  latestBefore: SnapshotStore['latestBefore'] = (fundId, asOf) => this.runs.latestBefore(fundId, asOf);
  get: SnapshotStore['get'] = (fundId, asOf) => this.runs.get(fundId, asOf);
  history: SnapshotStore['history'] = (fundId, query) => this.runs.history(fundId, query);
  summaries: SnapshotStore['summaries'] = (fundId, query) => this.runs.summaries(fundId, query);
  getAlertState: SnapshotStore['getAlertState'] = (fundId) => this.alertState.getAlertState(fundId);
  putAlertState: SnapshotStore['putAlertState'] = (next) => this.alertState.putAlertState(next);
  enqueue: SnapshotStore['enqueue'] = (items) => this.outbox.enqueue(items);
  pending: SnapshotStore['pending'] = (fundId) => this.outbox.pending(fundId);
  claim: SnapshotStore['claim'] = (item, lease, nowMs) => this.outbox.claim(item, lease, nowMs);
  release: SnapshotStore['release'] = (item, owner, error) => this.outbox.release(item, owner, error);
  ack: SnapshotStore['ack'] = (item, at) => this.outbox.ack(item, at);
  prune: SnapshotStore['prune'] = (fundId, beforeMs) => this.outbox.prune(fundId, beforeMs);
}
