/** The replay server's own contract: file lookup, request log, fault matching and expiry, JSON-RPC. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayServer, startReplayServer } from '../../../lambda/ingest/replay/replay-server.ts';

let dir: string;
let replay: ReplayServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replay-'));
  await mkdir(join(dir, 'okx/api/v5/market/ticker'), { recursive: true });
  await writeFile(join(dir, 'okx/api/v5/market/ticker/instId=BTC-USDT-SWAP.json'), '{"code":"0","data":[1]}');
  await mkdir(join(dir, 'hl/info'), { recursive: true });
  await writeFile(join(dir, 'hl/info/req.coin=BTC&req.interval=1d&type=candleSnapshot.json'), '[1,2]');
  await mkdir(join(dir, 'evm'));
  await writeFile(join(dir, 'evm/rpc.json'), JSON.stringify({ eth_blocknumber: '0x10' }));
  replay = await startReplayServer({ fixturesDir: dir });
});
afterAll(async () => {
  await replay.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${replay.url}${path}`);

describe('startReplayServer', () => {
  it('serves a file by path and non-volatile query, in any parameter order, and logs the request', async () => {
    const r = await get('/okx/api/v5/market/ticker?limit=5&instId=BTC-USDT-SWAP&after=1');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ code: '0', data: [1] });
    expect(replay.requests().at(-1)).toEqual({
      method: 'GET',
      path: '/okx/api/v5/market/ticker',
      query: { limit: '5', instId: 'BTC-USDT-SWAP', after: '1' },
    });
  });

  it('answers 404 naming the missing fixture, and refuses paths outside the folder', async () => {
    const r = await get('/okx/api/v5/market/ticker?instId=ETH-USDT-SWAP');
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({
      error: 'no fixture okx/api/v5/market/ticker/instId=ETH-USDT-SWAP.json',
    });
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).not.toBe(200);
  });

  it('applies a fault only to matching method and query, for the given number of times', async () => {
    replay.setFault(
      { method: 'GET', path: '/okx/api/v5/market/ticker', query: { instId: 'BTC-USDT-SWAP' } },
      { status: 429, retryAfterSeconds: 7, times: 2 },
    );
    const first = await get('/okx/api/v5/market/ticker?instId=BTC-USDT-SWAP');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(
      (await fetch(`${replay.url}/okx/api/v5/market/ticker?instId=BTC-USDT-SWAP`, { method: 'POST' })).status,
    ).toBe(405);
    expect((await get('/okx/api/v5/market/ticker?instId=BTC-USDT-SWAP')).status).toBe(429);
    expect((await get('/okx/api/v5/market/ticker?instId=BTC-USDT-SWAP')).status).toBe(200);
    replay.clearFaults();
  });

  it('damages bodies on request', async () => {
    replay.setFault({ path: '/okx/api/v5/market/ticker' }, { body: 'truncated', times: 1 });
    expect(await (await get('/okx/api/v5/market/ticker?instId=BTC-USDT-SWAP')).text()).toBe('{"code":"0"');
    replay.setFault({ path: '/okx/api/v5/market/ticker' }, { body: 'schema-violation', times: 1 });
    expect(await (await get('/okx/api/v5/market/ticker?instId=BTC-USDT-SWAP')).json()).toEqual({
      unexpected: 'shape',
      data: null,
    });
  });

  it('serves a POST by its JSON body: fields flattened, in any order, time windows dropped', async () => {
    const post = (body: unknown) =>
      fetch(`${replay.url}/hl/info`, { method: 'POST', body: JSON.stringify(body) });
    const r = await post({
      req: { startTime: 1, interval: '1d', endTime: 2, coin: 'BTC' },
      type: 'candleSnapshot',
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual([1, 2]);
    expect(replay.requests().at(-1)).toEqual({
      method: 'POST',
      path: '/hl/info',
      query: {},
      body: {
        'req.startTime': '1',
        'req.interval': '1d',
        'req.endTime': '2',
        'req.coin': 'BTC',
        type: 'candleSnapshot',
      },
    });
    const missing = await post({ type: 'candleSnapshot', req: { coin: 'ETH', interval: '1d' } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'no fixture hl/info/req.coin=ETH&req.interval=1d&type=candleSnapshot.json',
    });
    replay.setFault({ path: '/hl/info', body: { 'req.coin': 'BTC' } }, { status: 503, times: 1 });
    expect((await post({ type: 'candleSnapshot', req: { coin: 'BTC', interval: '1d' } })).status).toBe(503);
    expect((await fetch(`${replay.url}/hl/info`, { method: 'POST', body: 'not json' })).status).toBe(405);
  });

  it('answers recorded JSON-RPC calls and errors for unknown ones', async () => {
    const call = (body: unknown) =>
      fetch(`${replay.url}/evm`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    expect(await call({ jsonrpc: '2.0', id: 7, method: 'eth_blockNumber', params: [] })).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: '0x10',
    });
    expect(await call({ jsonrpc: '2.0', id: 8, method: 'eth_chainId', params: [] })).toEqual({
      jsonrpc: '2.0',
      id: 8,
      error: { code: -32000, message: 'no recorded answer for eth_chainId' },
    });
  });
});
