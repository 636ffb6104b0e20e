/**
 * Which URLs may be fetched: https only (http to loopback), no credentials, no private, link-local
 * or metadata host unless the config allows a private network — at config validation (exit 2 naming
 * the field), for environment overrides (naming the variable) and in the HTTP client itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FundConfigSchema } from '../../../lambda/config/fund-config.ts';
import { readHandlerEnvironment } from '../../../lambda/handlers/handler-environment.ts';
import { resolveBaseUrls } from '../../../lambda/ingest/base-urls.ts';
import { sanitiseExcerpt } from '../../../lambda/ingest/http/errors.ts';
import { hostKind, urlProblem } from '../../../lambda/ingest/http/safe-url.ts';
import { VenueHttpClient } from '../../../lambda/ingest/http/venue-http-client.ts';
import { InvalidInputError, parseOrThrow } from '../../../lambda/model/validation.ts';

const ROOT = join(import.meta.dirname, '../../..');
const strict = { allowPrivateNetwork: false };
const lenient = { allowPrivateNetwork: true };
const demo = () => JSON.parse(readFileSync(join(ROOT, 'config/funds/demo.json'), 'utf8'));

describe('urlProblem', () => {
  it('admits public https and http only to loopback', () => {
    for (const url of [
      'https://fapi.binance.com',
      'https://www.deribit.com/api/v2',
      'http://127.0.0.1:4321/binance',
      'https://127.0.0.1:8443',
      'http://localhost:3000/okx',
      'http://[::1]:8080/x',
      'http://127.8.9.10/',
    ]) {
      expect(urlProblem(url, strict), url).toBeUndefined();
    }
  });

  it('refuses other schemes and plain http to any other host', () => {
    expect(urlProblem('http://api.bybit.com', strict)).toBe(
      'expected an https URL (http only to a loopback host), got "http://api.bybit.com"',
    );
    expect(urlProblem('file:///etc/passwd', lenient)).toBe(
      'expected an https URL (http only to a loopback host), got "file:///etc/passwd"',
    );
    expect(urlProblem('ftp://example.com', lenient)).toMatch(/^expected an https URL/);
    expect(urlProblem('api.bybit.com', strict)).toBe('expected an https URL, got "api.bybit.com"');
  });

  it('refuses credentials in the URL without echoing them, even when private hosts are allowed', () => {
    const problem = urlProblem('https://user:s3cret@rpc.example.com/v1', lenient);
    expect(problem).toBe(
      'must not carry a user name or password (keep secrets in SSM), got a URL with credentials',
    );
    expect(urlProblem('http://user:s3cret@10.0.0.1/', lenient)).not.toContain('s3cret');
  });

  it('refuses private, link-local, metadata and internal hosts unless allowed', () => {
    const cases: [string, string][] = [
      ['https://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata)'],
      ['https://10.1.2.3/', 'private'],
      ['https://172.20.0.5/', 'private'],
      ['https://192.168.1.10/', 'private'],
      ['https://100.100.100.200/', 'shared (carrier-grade NAT, cloud metadata)'],
      ['https://0.0.0.0/', 'unspecified'],
      ['https://[fd00:ec2::254]/', 'private (unique-local, cloud metadata)'],
      ['https://[fe80::1]/', 'link-local'],
      ['https://[::ffff:169.254.169.254]/', 'link-local (cloud metadata)'],
      ['https://metadata.google.internal/', 'internal host name'],
      ['https://proxy/', 'internal host name'],
    ];
    for (const [url, kind] of cases) {
      const host = new URL(url).hostname;
      expect(urlProblem(url, strict), url).toBe(
        `${host} is a ${kind} address, refused unless allowPrivateNetwork is true`,
      );
      expect(urlProblem(url, lenient), url).toBeUndefined();
    }
  });

  it('sees through the numeric spellings of an address', () => {
    // The WHATWG parser normalises decimal and hex IPv4: 2852039166 = 169.254.169.254.
    expect(urlProblem('https://2852039166/', strict)).toBe(
      '169.254.169.254 is a link-local (cloud metadata) address, refused unless allowPrivateNetwork is true',
    );
    expect(urlProblem('http://0x7f000001:9/', strict)).toBeUndefined();
    expect(hostKind('[0:0:0:0:0:0:0:1]')).toBe('loopback');
    expect(hostKind('172.32.0.1')).toBeUndefined();
    expect(hostKind('100.128.0.1')).toBeUndefined();
  });
});

describe('where the rules apply', () => {
  it('a fund config base URL: exit-2 input error naming the field', () => {
    const config = demo();
    config.data.baseUrls = { bybit: 'http://169.254.169.254/' };
    const error = (() => {
      try {
        parseOrThrow(FundConfigSchema, config, 'fund config demo.json');
      } catch (e) {
        return e as InvalidInputError;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error?.field).toBe('data.baseUrls.bybit');
    expect(error?.message).toBe(
      'fund config demo.json: data.baseUrls.bybit: expected an https URL (http only to a loopback host), got "http://169.254.169.254/"',
    );
    config.data.baseUrls = { okx: 'https://10.0.0.7/okx' };
    expect(() => parseOrThrow(FundConfigSchema, config, 'c')).toThrow(
      'c: data.baseUrls.okx: 10.0.0.7 is a private address, refused unless allowPrivateNetwork is true',
    );
    config.data.allowPrivateNetwork = true;
    expect(parseOrThrow(FundConfigSchema, config, 'c').data.baseUrls.okx).toBe('https://10.0.0.7/okx');
  });

  it('an EVM balance source’s rpcUrl', () => {
    const config = demo();
    config.balance = {
      type: 'evm',
      rpcUrl: 'https://192.168.0.2:8545',
      address: '0x7a16fF8270133F063aAb6C9977183D9e72835428',
      price: { fixedUsd: 1 },
    };
    expect(() => parseOrThrow(FundConfigSchema, config, 'c')).toThrow(
      'c: balance.rpcUrl: 192.168.0.2 is a private address, refused unless allowPrivateNetwork is true',
    );
  });

  it('an environment override: names the variable, follows the fund’s allowPrivateNetwork', () => {
    expect(() => resolveBaseUrls({ BACKSTOP_BYBIT_URL: 'api.bybit.com' }, {}, {})).toThrow(
      'BACKSTOP_BYBIT_URL: expected an https URL, got "api.bybit.com"',
    );
    expect(() => resolveBaseUrls({ BACKSTOP_OKX_URL: 'https://10.0.0.7' }, {}, {})).toThrow(
      'BACKSTOP_OKX_URL: 10.0.0.7 is a private address, refused unless allowPrivateNetwork is true',
    );
    expect(
      resolveBaseUrls({ BACKSTOP_OKX_URL: 'https://10.0.0.7' }, {}, {}, { allowPrivateNetwork: true }).okx,
    ).toBe('https://10.0.0.7');
  });

  it('the Lambda environment refuses a non-https override at cold start', () => {
    const env = {
      BACKSTOP_FUND_CONFIG_BUCKET: 'backstop-fund-configs',
      BACKSTOP_FUND_CONFIG_VERSION: '0123456789abcdef',
      BACKSTOP_STAGE: 'test',
      BACKSTOP_TABLE_NAME: 'backstop-table',
      BACKSTOP_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:backstop',
      BACKSTOP_IDEMPOTENCY_TABLE_NAME: 'backstop-idempotency',
      BACKSTOP_DERIBIT_URL: 'http://169.254.169.254/',
    };
    expect(() => readHandlerEnvironment(env)).toThrow(
      'environment: BACKSTOP_DERIBIT_URL: expected an https URL (http only to a loopback host), got "http://169.254.169.254/"',
    );
  });

  it('the HTTP client itself, whoever builds it', () => {
    expect(() => new VenueHttpClient({ venue: 'okx', baseUrl: 'https://169.254.169.254' })).toThrow(
      'baseUrl of okx: 169.254.169.254 is a link-local (cloud metadata) address, refused unless allowPrivateNetwork is true',
    );
    expect(
      new VenueHttpClient({ venue: 'okx', baseUrl: 'https://10.0.0.7/', allowPrivateNetwork: true }).baseUrl,
    ).toBe('https://10.0.0.7');
  });
});

describe('sanitiseExcerpt', () => {
  it('keeps a short printable start, one space for any run of control characters', () => {
    expect(sanitiseExcerpt('<html>\n\t<body>\u0000502 Bad Gateway</body></html>')).toBe(
      '<html> <body> 502 Bad Gateway</body></html>',
    );
    expect(sanitiseExcerpt('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`);
    expect(sanitiseExcerpt('x'.repeat(100)).length).toBe(60);
  });

  it('redacts what looks like a key or token, not long words', () => {
    expect(
      sanitiseExcerpt('{"AccessKeyId":"ASIAQ3EGRIKJ5MEXAMPLE","Token":"IQoJb3JpZ2luX2VjEHYaCXVz"}', 200),
    ).toBe('{"AccessKeyId":"[redacted]","Token":"[redacted]"}');
    expect(sanitiseExcerpt('maintenanceMarginFraction expected')).toBe('maintenanceMarginFraction expected');
  });
});
