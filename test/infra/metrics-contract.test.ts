/**
 * The alarms and dashboards watch metrics the handler emits; a namespace that differs on either side
 * would leave every alarm on an empty metric (and the no-run alarms firing forever).
 */
import { expect, it } from 'vitest';
import { HandlerEnvSchema } from '../../lambda/handlers/handler-environment.ts';
import { METRICS_NAMESPACE as HANDLER_NAMESPACE } from '../../lambda/handlers/recalibrate-handler.ts';
import { METRICS_NAMESPACE } from '../../lib/run-metrics.ts';
import { FunctionEnv } from '../../lib/stateless-stack.ts';

it('watches the namespace the handler writes to', () => {
  expect(METRICS_NAMESPACE).toBe(HANDLER_NAMESPACE);
});

it('passes every environment variable the handler requires', () => {
  const required = Object.entries(HandlerEnvSchema.shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
  expect(required).toEqual(Object.values(FunctionEnv).sort());
});
