/** Everything stored for one run (the snapshot item of the table), and its compact summary. */
import { z } from 'zod';
import { MarketSnapshotSchema, ReserveResultSchema, RunStatusSchema } from '../model/schemas.ts';
import { DataFlagSchema, ObservationSchema } from './observation.ts';
import { StepRecordSchema } from './step-record.ts';

/** Everything stored for one run. */
export const StoredRunSchema = z.object({
  fundId: z.string().min(1),
  asOf: z.string(),
  runId: z.string(),
  modelVersion: z.string(),
  snapshot: MarketSnapshotSchema,
  result: ReserveResultSchema,
  observations: z.array(ObservationSchema),
  flags: z.array(DataFlagSchema),
  steps: z.array(StepRecordSchema),
  /** Epoch seconds for optional retention (TTL). */
  expiresAt: z.number().int().optional(),
});
/** Everything stored for one run. */
export interface StoredRun
  extends Readonly<Omit<z.infer<typeof StoredRunSchema>, 'observations' | 'flags' | 'steps'>> {
  readonly observations: readonly z.infer<typeof ObservationSchema>[];
  readonly flags: readonly z.infer<typeof DataFlagSchema>[];
  readonly steps: readonly z.infer<typeof StepRecordSchema>[];
}

/** A compact view of a stored run, for history listings, charts and the drawdown window. */
export const RunSummarySchema = z.object({
  fundId: z.string(),
  asOf: z.string(),
  runId: z.string(),
  status: RunStatusSchema,
  fundBalanceUsd: z.number().nullable(),
  requiredReserveUsd: z.number(),
  coverageRatio: z.number().nullable(),
  /** Total open interest (one side, USD) of the run; absent on runs stored before it was recorded. */
  openInterestUsd: z.number().optional(),
});
/** A compact view of a stored run (`openInterestUsd` absent, never undefined, on older runs). */
export type RunSummary = Readonly<
  Omit<z.infer<typeof RunSummarySchema>, 'openInterestUsd'> & { openInterestUsd?: number }
>;
