/** Failures of a whole ingest run (as opposed to one venue request). */

/**
 * A market has no data from its venue and no earlier observation to fall back on. The run fails
 * rather than drop the market: dropping it would lower the reserve silently.
 */
export class MarketDataUnavailableError extends Error {
  readonly marketId: string;

  constructor(marketId: string, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`market ${marketId}: no data from its venue and no earlier observation to use${cause}`, options);
    this.name = 'MarketDataUnavailableError';
    this.marketId = marketId;
  }
}
