/**
 * A fund's alert state on the table (the `ALERT#STATE` item), written under optimistic locking: a
 * put conditional on the version it replaces, so two runs deciding at once cannot both win.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../model/validation.ts';
import type { AlertStateRepository } from '../pipeline/ports.ts';
import { type AlertState, AlertStateSchema } from '../run/alert-state.ts';
import { CorruptItemError } from './errors.ts';
import { ALERT_STATE_SK, fundPk } from './keys.ts';
import { type Item, isConditionFailure, type TableClient } from './table-client.ts';

/** {@link AlertStateRepository} on one table. */
export class DynamoAlertStateRepository implements AlertStateRepository {
  readonly #table: TableClient;

  constructor(table: TableClient) {
    this.#table = table;
  }

  /** The fund's alert state, or null before its first alert decision. */
  async getAlertState(fundId: string): Promise<AlertState | null> {
    const pk = fundPk(fundId);
    const out = await this.#table.doc.send(
      new GetCommand({ TableName: this.#table.tableName, Key: { pk, sk: ALERT_STATE_SK } }),
    );
    if (out.Item === undefined) return null;
    const parsed = AlertStateSchema.safeParse(out.Item);
    if (!parsed.success)
      throw new CorruptItemError(pk, ALERT_STATE_SK, parsed.error.message, { cause: parsed.error });
    return withoutUndefined(parsed.data);
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
    const state = AlertStateSchema.parse(next);
    const item: Item = { pk: fundPk(next.fundId), sk: ALERT_STATE_SK, ...withoutUndefined(state) };
    const condition =
      next.version === 1
        ? { ConditionExpression: 'attribute_not_exists(sk)' }
        : {
            ConditionExpression: '#version = :previous',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':previous': next.version - 1 },
          };
    try {
      await this.#table.doc.send(
        new PutCommand({ TableName: this.#table.tableName, Item: item, ...condition }),
      );
      return { won: true };
    } catch (error) {
      if (isConditionFailure(error)) return { won: false };
      throw error;
    }
  }
}

/** The state without keys whose value is undefined (exact optional properties). */
function withoutUndefined(state: AlertState): AlertState {
  return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as AlertState;
}
