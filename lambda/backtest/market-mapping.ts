/**
 * Which price file prices which market of the fund: `--map FILE=MARKET,…` when given, otherwise by
 * the asset in the file name (`binance_btcusdt_…` → the first fund market whose id or symbol starts
 * with BTC) when every file names an asset and no two files land on one market, otherwise by file order.
 */
import { basename } from 'node:path';
import { InvalidInputError } from '../model/validation.ts';

/** A fund market as far as mapping is concerned. */
export interface MappableMarket {
  readonly id: string;
  readonly symbol?: string;
}

/** Parses `FILE=MARKET,FILE=MARKET`. */
export function parseMapOption(value: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of value.split(',')) {
    const eq = pair.lastIndexOf('=');
    const file = pair.slice(0, eq).trim();
    const market = pair.slice(eq + 1).trim();
    if (eq <= 0 || market === '') {
      throw new InvalidInputError(`--map: expected FILE=MARKET, got ${JSON.stringify(pair)}`, 'map');
    }
    map.set(file, market);
  }
  return map;
}

const ASSET_IN_NAME = /^(?:[a-z]+_)?([a-z0-9]{2,10}?)(?:usdt|usdc|usd|busd|perp)/i;

/** The base asset a file name suggests (`binance_btcusdt_daily.csv` → `BTC`), if any. */
export function assetOfFileName(file: string): string | undefined {
  return ASSET_IN_NAME.exec(basename(file))?.[1]?.toUpperCase();
}

function byAsset(files: readonly string[], markets: readonly MappableMarket[]): string[] | undefined {
  const ids: string[] = [];
  for (const file of files) {
    const asset = assetOfFileName(file);
    if (asset === undefined) return undefined;
    const match = markets.find(
      (m) => m.id.toUpperCase().startsWith(asset) || (m.symbol ?? '').toUpperCase().startsWith(asset),
    );
    if (match === undefined) return undefined;
    ids.push(match.id);
  }
  return new Set(ids).size === ids.length ? ids : undefined;
}

/**
 * The market id of each file, in file order.
 *
 * @throws InvalidInputError for a `--map` entry naming an unknown file or market, a file left
 *   unmapped, two files on one market, or more files than markets
 */
export function mapFilesToMarkets(
  files: readonly string[],
  markets: readonly MappableMarket[],
  explicit: ReadonlyMap<string, string> | undefined,
): string[] {
  const known = new Set(markets.map((m) => m.id));
  let ids: string[];
  if (explicit !== undefined) {
    for (const [file, market] of explicit) {
      if (!files.some((f) => f === file || basename(f) === file)) {
        throw new InvalidInputError(`--map: ${file} is not one of the --prices files`, 'map');
      }
      if (!known.has(market)) {
        throw new InvalidInputError(
          `--map: unknown market ${JSON.stringify(market)} (the fund has ${[...known].join(', ')})`,
          'map',
        );
      }
    }
    ids = files.map((f) => {
      const id = explicit.get(f) ?? explicit.get(basename(f));
      if (id === undefined) throw new InvalidInputError(`--map: no market given for ${f}`, 'map');
      return id;
    });
  } else {
    const guessed = byAsset(files, markets);
    if (guessed !== undefined) return guessed;
    if (files.length > markets.length) {
      throw new InvalidInputError(
        `--prices: ${files.length} files but the fund has ${markets.length} markets; use --map FILE=MARKET`,
        'prices',
      );
    }
    ids = markets.slice(0, files.length).map((m) => m.id);
  }
  if (new Set(ids).size !== ids.length) {
    throw new InvalidInputError(`--map: two files map to the same market (${ids.join(', ')})`, 'map');
  }
  return ids;
}
