/**
 * The HTTP layer's failure handling against the replay server's fault injection: timeouts, 429 with
 * Retry-After, exhausted 5xx, malformed / truncated / schema-violating bodies, refused connections.
 * Sleep and jitter are injected, so no test waits for a real backoff.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  VenueDeadlineError,
  VenueHttpError,
  VenueNetworkError,
  VenueResponseError,
  VenueTimeoutError,
} from '../../../lambda/ingest/http/errors.ts';
import type { IngestDeadline } from '../../../lambda/ingest/http/ingest-deadline.ts';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';
import { BinanceAdapter } from '../../../lambda/ingest/venues/binance.ts';

const OI_PATH = '/binance/fapi/v1/openInterest';
let replay: ReplayServer;
let sleeps: number[] = [];

function adapter(
  options: { timeoutMs?: number; maxRetries?: number; baseUrl?: string } = {},
): BinanceAdapter {
  const http = new VenueHttpClient({
    venue: 'binance',
    baseUrl: options.baseUrl ?? replay.baseUrls.binance,
    timeoutMs: options.timeoutMs ?? 2_000,
    maxRetries: options.maxRetries ?? 2,
    baseDelayMs: 250,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  return new BinanceAdapter(http, http);
}

const oiRequests = () => replay.requests().filter((r) => r.path === OI_PATH).length;

beforeAll(async () => {
  replay = await startReplayServer();
  // Warm the server's file reads so the short timeouts below only ever hit the delayed route.
  await adapter().perpQuote('BTCUSDT', 'BTC-PERP');
});
afterEach(() => {
  replay.clearFaults();
  sleeps = [];
});
afterAll(async () => {
  await replay.close();
});

describe('VenueHttpClient faults', () => {
  it('times out a slow answer, retries, then names venue, endpoint and market', async () => {
    replay.setFault({ path: OI_PATH }, { delayMs: 300 });
    const before = oiRequests();
    const http = new VenueHttpClient({
      venue: 'binance',
      baseUrl: replay.baseUrls.binance,
      timeoutMs: 100,
      maxRetries: 1,
      sleep: async () => {},
    });
    const error = await http
      .getJson('/fapi/v1/openInterest', { symbol: 'BTCUSDT' }, z.unknown(), 'BTC-PERP')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueTimeoutError);
    expect(error).toMatchObject({
      venue: 'binance',
      endpoint: '/fapi/v1/openInterest',
      marketId: 'BTC-PERP',
      timeoutMs: 100,
    });
    expect(error.message).toBe('binance /fapi/v1/openInterest (market BTC-PERP): no answer within 100 ms');
    expect(oiRequests() - before).toBe(2);
  });

  it('stops at the run deadline: no retry that would start after it, none in flight past it, none once passed', async () => {
    // The deadline is the test's own: how much time is left and when it passes are set here, so
    // the checks are about the order of events, not about how fast this machine answers.
    let leftMs = 100;
    const expire = new AbortController();
    const deadline: IngestDeadline = {
      remainingMs: () => (expire.signal.aborted ? 0 : leftMs),
      signal: expire.signal,
    };
    const http = new VenueHttpClient({
      venue: 'binance',
      baseUrl: replay.baseUrls.binance,
      timeoutMs: 60_000,
      maxRetries: 3,
      baseDelayMs: 250,
      deadline,
      sleep: async () => {},
      random: () => 0.5,
    });
    const get = () =>
      http.getJson('/fapi/v1/openInterest', { symbol: 'BTCUSDT' }, z.unknown(), 'BTC-PERP').catch((e) => e);

    // A 503 would be retried after 125 ms (jitter 0.5 of 250), but only 100 ms are left: no retry.
    replay.setFault({ path: OI_PATH }, { status: 503, times: 1 });
    let before = oiRequests();
    const refused = await get();
    expect(refused).toBeInstanceOf(VenueHttpError);
    expect(refused.status).toBe(503);
    expect(oiRequests() - before).toBe(1);

    // A request in flight when the deadline passes is aborted, and not retried.
    replay.setFault({ path: OI_PATH }, { delayMs: 600_000 });
    leftMs = Number.POSITIVE_INFINITY;
    before = oiRequests();
    const hanging = get();
    while (oiRequests() - before < 1) await new Promise((r) => setTimeout(r, 10));
    expire.abort();
    const cut = await hanging;
    expect(cut).toBeInstanceOf(VenueDeadlineError);
    expect(cut.message).toBe(
      "binance /fapi/v1/openInterest (market BTC-PERP): no answer before the run's ingest deadline",
    );
    expect(oiRequests() - before).toBe(1);

    // Once it has passed, nothing is requested at all.
    const late = await get();
    expect(late).toBeInstanceOf(VenueDeadlineError);
    expect(late.message).toBe(
      "binance /fapi/v1/openInterest (market BTC-PERP): not requested: the run's ingest deadline had passed",
    );
    expect(oiRequests() - before).toBe(1);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    replay.setFault(
      { path: OI_PATH, query: { symbol: 'BTCUSDT' } },
      { status: 429, retryAfterSeconds: 3, times: 1 },
    );
    const before = oiRequests();
    const q = await adapter().perpQuote('BTCUSDT', 'BTC-PERP');
    expect(q.openInterestUsd).toBeCloseTo(85_412.733 * 97_000, 3);
    expect(sleeps).toEqual([3000]);
    expect(oiRequests() - before).toBe(2);
  });

  it('gives up rather than retry before a Retry-After longer than the longest wait', async () => {
    replay.setFault(
      { path: OI_PATH, query: { symbol: 'BTCUSDT' } },
      { status: 429, retryAfterSeconds: 120, times: 1 },
    );
    const before = oiRequests();
    const error = await adapter()
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueHttpError);
    expect(error.status).toBe(429);
    expect(sleeps).toEqual([]);
    expect(oiRequests() - before).toBe(1);
  });

  it('gives up after the bounded retries on 5xx, with jittered exponential backoff', async () => {
    replay.setFault({ method: 'GET', path: OI_PATH }, { status: 503 });
    const before = oiRequests();
    const error = await adapter({ maxRetries: 2 })
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueHttpError);
    expect(error.status).toBe(503);
    // random 0.5 × 250·2^attempt: 125 then 250 ms.
    expect(sleeps).toEqual([125, 250]);
    expect(oiRequests() - before).toBe(3);
  });

  it('does not retry a 404', async () => {
    const before = replay.requests().length;
    const error = await adapter()
      .perpQuote('NOPEUSDT', 'X')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueHttpError);
    expect(error.status).toBe(404);
    // perpQuote asks three endpoints at once and fails on the first 404, possibly before the server
    // has logged the other two: wait for them, then check that none was asked twice.
    await vi.waitFor(() => expect(replay.requests().length - before).toBeGreaterThanOrEqual(3));
    const paths = replay
      .requests()
      .slice(before)
      .map((r) => r.path);
    expect(new Set(paths).size).toBe(3);
    expect(paths).toHaveLength(3); // the three endpoints, once each
    expect(sleeps).toEqual([]);
  });

  it('reports a malformed body without retrying', async () => {
    replay.setFault({ path: OI_PATH }, { body: 'malformed' });
    const error = await adapter()
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueResponseError);
    expect(error.kind).toBe('malformed');
    expect(sleeps).toEqual([]);
  });

  it('never echoes a body into the error beyond a short sanitised excerpt', async () => {
    const secretPage = `{"Code":"Success","AccessKeyId":"ASIAQ3EGRIKJ5MEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}${' padding'.repeat(50)}`;
    replay.setFault({ path: OI_PATH }, { status: 403, text: secretPage });
    const denied = await adapter()
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(denied).toBeInstanceOf(VenueHttpError);
    expect(denied.message).toBe(
      'binance /fapi/v1/openInterest (market BTC-PERP): HTTP 403 (body starts "{\\"Code\\":\\"Success\\",\\"AccessKeyId\\":\\"[redacted]\\",\\"SecretAccessK…")',
    );
    expect(denied.cause).toBeUndefined();
    replay.clearFaults();

    replay.setFault({ path: OI_PATH }, { text: `<html>${secretPage}</html>` });
    const malformed = await adapter()
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(malformed).toMatchObject({ name: 'VenueResponseError', kind: 'malformed' });
    expect(malformed.message).toBe(
      `binance /fapi/v1/openInterest (market BTC-PERP): malformed body: not JSON (${secretPage.length + 13} characters, starting "<html>{\\"Code\\":\\"Success\\",\\"AccessKeyId\\":\\"[redacted]\\",\\"SecretA…")`,
    );
    expect(malformed.message).not.toContain('wJalrXUtnFEMI');
  });

  it('reports a truncated body as malformed', async () => {
    replay.setFault({ path: OI_PATH }, { body: 'truncated' });
    const error = await adapter()
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'malformed' });
  });

  it('reports a schema violation with the offending path', async () => {
    replay.setFault({ path: OI_PATH }, { body: 'schema-violation' });
    const error = await adapter()
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'VenueResponseError', kind: 'schema', marketId: 'BTC-PERP' });
    expect(error.message).toContain('unexpected shape: symbol: expected string');
  });

  it('retries a refused connection, then reports a network error', async () => {
    const closed = await startReplayServer();
    const url = closed.baseUrls.binance;
    await closed.close();
    const error = await adapter({ baseUrl: url, maxRetries: 1 })
      .perpQuote('BTCUSDT', 'BTC-PERP')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VenueNetworkError);
    expect(sleeps).toHaveLength(3); // one retry for each of the three parallel endpoints
  });
});

describe('VenueHttpClient concurrency cap', () => {
  it('never has more requests in flight to one venue than its cap', async () => {
    replay.setFault({ path: OI_PATH }, { delayMs: 50 });
    let inFlight = 0;
    let peak = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const http = new VenueHttpClient({
      venue: 'binance',
      baseUrl: replay.baseUrls.binance,
      concurrency: 2,
      fetch: counting,
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        http.getJson(
          '/fapi/v1/openInterest',
          { symbol: 'BTCUSDT' },
          z.looseObject({ openInterest: z.string() }),
        ),
      ),
    );
    expect(answers.map((a) => a.data.openInterest)).toEqual(Array(6).fill('85412.733'));
    expect(peak).toBe(2);
  });
});
