/** How each of the five pipeline steps went, as recorded in the stored run. */
import { z } from 'zod';

/** The five steps, in order (the flow in docs/OPERATIONS.md). */
export const STEP_NAMES = ['ingest', 'recalibrate', 'reserve', 'persist', 'alert'] as const;

/** How one pipeline step went; recorded in the stored run. */
export const StepRecordSchema = z.object({
  step: z.enum(STEP_NAMES),
  ms: z.number(),
  outcome: z.enum(['ok', 'degraded', 'failed', 'skipped']),
  detail: z.string().optional(),
});
/** How one pipeline step went; recorded in the stored run. */
export type StepRecord = Readonly<z.infer<typeof StepRecordSchema>>;
/** A step's name. */
export type StepName = StepRecord['step'];
