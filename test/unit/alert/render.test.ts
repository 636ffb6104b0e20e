import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../lambda/alert/alert-policy.ts';
import { renderChatbot } from '../../../lambda/alert/render-chatbot.ts';
import { renderEmail } from '../../../lambda/alert/render-email.ts';
import { MAX_SUBJECT_CHARS, renderSubject } from '../../../lambda/alert/render-facts.ts';
import { FundAlertsSchema, resolveAlerts } from '../../../lambda/config/fund-config.ts';
import type { AlertState } from '../../../lambda/run/alert-state.ts';
import type { OutboxItem } from '../../../lambda/run/notification.ts';
import { BREACH_EMAIL, outboxItem, reserveResult } from './result-fixtures.ts';

describe('renderEmail', () => {
  it('writes the BREACH facts as plain text', () => {
    expect(renderEmail(outboxItem())).toBe(BREACH_EMAIL);
  });

  it('says "first run" without a previous run and omits the shortfall when covered', () => {
    const item: OutboxItem = {
      ...outboxItem(
        {
          kind: 'RECOVERY',
          severity: 'INFO',
          status: 'OK',
          reason: 'recovery',
          headline: 'demo-perps insurance fund at 110.0% of required reserve',
        },
        { balance: 2.2e8 },
      ),
      previous: null,
    };
    const email = renderEmail(item);
    expect(email.split('\n').slice(0, 6)).toEqual([
      '[RECOVERED] demo-perps insurance fund at 110.0% of required reserve',
      '',
      'Status:    OK (recovery, recovery)',
      'Fund:      demo-perps',
      'Run:       2026-11-22T04:00:00.000Z',
      'Coverage:  110.0% (balance $220M vs required $200M)',
    ]);
    expect(email).toContain('Change:       first run of this fund\n');
    expect(email).toContain('- No action needed: the fund covers its required reserve again.\n');
  });
});

describe('renderChatbot', () => {
  it('follows the Chatbot custom notification schema field by field', () => {
    const message = renderChatbot(outboxItem());

    expect(Object.keys(message).sort()).toEqual(['content', 'id', 'metadata', 'source', 'version']);
    expect(message.version).toBe('1.0');
    expect(message.source).toBe('custom');
    expect(message.id).toBe('demo-perps/2026-11-22T04:00:00.000Z/COVERAGE');
    expect(Object.keys(message.content).sort()).toEqual([
      'description',
      'keywords',
      'nextSteps',
      'textType',
      'title',
    ]);
    expect(message.content.textType).toBe('client-markdown');
    expect(message.content.title).toBe(
      ':rotating_light: [BREACH] demo-perps insurance fund at 72.0% of required reserve',
    );
    expect(message.content.description.split('\n')).toEqual([
      '*Coverage* 72.0%: balance $144M vs required $200M (shortfall $56.0M)',
      '*Top ES contributors* BTC-PERP $90.0M (56%), ETH-PERP $50.0M (31%), SOL-PERP $20.0M (13%)',
      '*Worst stress* 2020-03-12 worst hour: $120M',
      '*Change* since 2026-11-22T03:45:00.000Z (WARN): coverage 80.0% -> 72.0% (-8.0 pp); required $180M -> $200M; balance $144M -> $144M',
      '*Snapshot* `FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z`',
    ]);
    expect(message.content.nextSteps).toEqual([
      'Top up the fund by $56.0M or reduce exposure in BTC-PERP.',
      'Or raise insurance fees by 1.30 bps of volume to close the gap in 30 days.',
      'Audit the run: backstop replay --fund demo-perps --as-of 2026-11-22T04:00:00.000Z',
    ]);
    expect(message.content.keywords).toEqual(['demo-perps', 'COVERAGE', 'BREACH']);
    expect(message.metadata).toEqual({
      threadId: 'backstop/demo-perps/COVERAGE',
      summary: '[BREACH] demo-perps insurance fund at 72.0% of required reserve',
      eventType: 'backstop.coverage',
      relatedResources: ['FUND#demo-perps / SNAP#2026-11-22T04:00:00.000Z'],
      additionalContext: {
        fundId: 'demo-perps',
        asOf: '2026-11-22T04:00:00.000Z',
        kind: 'COVERAGE',
        status: 'BREACH',
        severity: 'BREACH',
        reason: 'status-change',
        coverage: '72.0%',
      },
    });
  });

  it('labels drawdown and data alerts and suggests what to check', () => {
    const drawdown = renderChatbot(
      outboxItem({
        kind: 'DRAWDOWN',
        severity: 'WARN',
        status: 'WARN',
        reason: 'drawdown',
        headline: 'demo-perps fund balance fell 12.0% within 8 h to $144M',
      }),
    );
    expect(drawdown.content.title).toBe(
      ':warning: [DRAWDOWN WARN] demo-perps fund balance fell 12.0% within 8 h to $144M',
    );
    expect(drawdown.content.nextSteps[0]).toBe(
      'Check treasury movements and insurance-fund payouts of demo-perps in the last hours.',
    );
    const data = renderChatbot(
      outboxItem({
        kind: 'DATA',
        severity: 'WARN',
        status: 'DEGRADED',
        reason: 'data',
        headline: 'demo-perps market data degraded: 1 flag: MISSING SOL-PERP',
      }),
    );
    expect(data.content.title).toBe(
      ':warning: [DATA] demo-perps market data degraded: 1 flag: MISSING SOL-PERP',
    );
    expect(data.content.nextSteps[1]).toBe(
      'The reserve was computed on the last good data: it is not understated.',
    );
  });
});

describe('renderSubject', () => {
  it('marks reminders when they fit', () => {
    expect(renderSubject(outboxItem({ reason: 'reminder' }))).toBe(
      '[BREACH] demo-perps insurance fund at 72.0% of required reserve (reminder)',
    );
  });

  it('never exceeds 99 characters (SNS: "less than 100") and stays printable ASCII, for any fund and alert', () => {
    const fundId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);
    const flag = fc.record({
      marketId: fc.string({ maxLength: 40, unit: 'binary' }),
      code: fc.string({ minLength: 1, maxLength: 30 }),
      detail: fc.string(),
    });
    const previous = fc.option(
      fc.record({
        status: fc.constantFrom('OK', 'WARN', 'BREACH', 'DEGRADED', 'UNKNOWN' as const),
        coverageStatus: fc.constantFrom('OK', 'WARN', 'BREACH', 'UNKNOWN' as const),
      }),
      { nil: null },
    );
    fc.assert(
      fc.property(
        fundId,
        fc.option(fc.double({ min: 0, max: 1e13, noNaN: true }), { nil: null }),
        fc.boolean(),
        fc.array(flag, { maxLength: 6 }),
        previous,
        (id, balance, degraded, flags, prev) => {
          const result = reserveResult({ fundId: id, balance, required: 2e8, degraded });
          const state: AlertState | null =
            prev === null ? null : { fundId: id, ...prev, since: result.asOf, lastNotified: {}, version: 1 };
          const history = [{ asOf: '2026-11-22T03:00:00.000Z', fundBalanceUsd: 1e13 }];
          const { notifications } = evaluateAlerts(
            state,
            result,
            history,
            result.asOf,
            resolveAlerts(FundAlertsSchema.parse({}), 0.25),
            flags,
          );
          for (const notification of notifications) {
            for (const reason of [notification.reason, 'reminder']) {
              const subject = renderSubject({
                ...outboxItem(),
                notification: { ...notification, reason },
                result,
              });
              expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
              expect(subject).toMatch(/^\[[A-Z ]+\] [\x20-\x7e]+$/);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shortens a long fund id rather than the fact, and cuts with an ASCII ellipsis', () => {
    const id = `fund-${'x'.repeat(58)}`;
    const subject = renderSubject(
      outboxItem(
        { fundId: id, headline: `${id} insurance fund at 72.0% of required reserve` },
        { fundId: id },
      ),
    );
    expect(subject).toBe(`[BREACH] fund-${'x'.repeat(38)}... insurance fund at 72.0% of required reserve`);
    expect(subject).toHaveLength(99);
    const data = renderSubject(
      outboxItem({
        kind: 'DATA',
        status: 'DEGRADED',
        severity: 'WARN',
        headline: `demo-perps market data degraded: 3 flags: ${'MISSING X, '.repeat(9)}`,
      }),
    );
    expect(data).toBe(`[DATA] demo-perps market data degraded: 3 flags: ${'MISSING X, '.repeat(4)}MIS...`);
  });
});
