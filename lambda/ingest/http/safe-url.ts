/**
 * Which URLs Backstop may fetch (venue base URLs, JSON-RPC endpoints). A fund config is input: one
 * pointing a venue at `http://169.254.169.254/` would otherwise make the job fetch the cloud's
 * metadata service and store part of its answer. The rules:
 *
 * - `https:` only, except `http:` to a loopback host (the replay server and tests run on 127.0.0.1);
 * - no user name or password in the URL (secrets belong in SSM, not in a config or the environment);
 * - no private (RFC 1918, unique-local), link-local, shared (100.64/10), unspecified, multicast or
 *   cloud-metadata address or host name, unless the config says `allowPrivateNetwork: true` (a
 *   proxy or node inside the operator's network).
 *
 * Host names are judged as written: they are not resolved here (validation runs offline), so a public
 * name that resolves to a private address is not caught; docs/MARKET-DATA.md says so.
 */

/** Options of {@link urlProblem}. */
export interface UrlRules {
  /** Admit private, link-local and metadata addresses (never other schemes, never credentials). */
  readonly allowPrivateNetwork: boolean;
}

/** Host names of cloud metadata services and internal-only DNS zones. */
const INTERNAL_NAMES = [
  'metadata',
  'metadata.google.internal',
  'instance-data',
  'instance-data.ec2.internal',
];
const INTERNAL_SUFFIXES = ['.internal', '.local', '.localdomain', '.intranet', '.lan', '.home.arpa'];

/** Parses dotted IPv4 (the WHATWG URL parser has already normalised decimal and hex forms). */
function ipv4(host: string): [number, number, number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (m === null) return undefined;
  const parts = m.slice(1).map(Number) as [number, number, number, number];
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** Expands an IPv6 literal (without brackets) into eight 16-bit groups. */
function ipv6(host: string): number[] | undefined {
  if (!host.includes(':')) return undefined;
  let text = host;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail !== null) {
    const v4 = ipv4(tail[1] as string);
    if (v4 === undefined) return undefined;
    const hex = `${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
    text = text.slice(0, -(tail[1] as string).length) + hex;
  }
  const [head, rest, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const a = head === '' || head === undefined ? [] : head.split(':');
  const b = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - a.length - b.length;
  if ((rest === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...a, ...Array(rest === undefined ? 0 : missing).fill('0'), ...b].map((g) =>
    /^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN,
  );
  return groups.length === 8 && groups.every((g) => !Number.isNaN(g)) ? groups : undefined;
}

/** What kind of address an IPv4 is, when it is not a public unicast one. */
function classifyV4([a, b]: [number, number, number, number]): string | undefined {
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local (cloud metadata)';
  if (a === 100 && b >= 64 && b <= 127) return 'shared (carrier-grade NAT, cloud metadata)';
  if (a === 0) return 'unspecified';
  if (a >= 224) return 'multicast or reserved';
  return undefined;
}

/** What kind of address an IPv6 is, when it is not a public unicast one. */
function classifyV6(g: number[]): string | undefined {
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return 'loopback';
  if (g.every((x) => x === 0)) return 'unspecified';
  // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 inside.
  if (g.slice(0, 5).every((x) => x === 0) && g5 === 0xffff) {
    return classifyV4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'private (unique-local, cloud metadata)';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** The kind of a host that is not a public one: `loopback`, `private`, … or undefined. */
export function hostKind(hostname: string): string | undefined {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const v4 = ipv4(host);
  if (v4 !== undefined) return classifyV4(v4);
  const v6 = ipv6(host);
  if (v6 !== undefined) return classifyV6(v6);
  if (INTERNAL_NAMES.includes(host) || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) {
    return 'internal host name';
  }
  // A single label (`intranet`, `proxy`) only resolves inside a private network.
  if (!host.includes('.')) return 'internal host name';
  return undefined;
}

/**
 * Why `url` may not be fetched under `rules`, or undefined when it may.
 * @example
 * urlProblem('http://169.254.169.254/', { allowPrivateNetwork: false })
 * // → 'expected an https URL (http only to a loopback host), got "http://169.254.169.254/"'
 */
export function urlProblem(url: string, rules: UrlRules): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `expected an https URL, got ${JSON.stringify(url)}`;
  }
  // Credentials first, so that no later message echoes them.
  if (parsed.username !== '' || parsed.password !== '') {
    return 'must not carry a user name or password (keep secrets in SSM), got a URL with credentials';
  }
  const kind = hostKind(parsed.hostname);
  const loopback = kind === 'loopback';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    return `expected an https URL (http only to a loopback host), got ${JSON.stringify(url)}`;
  }
  if (kind !== undefined && !loopback && !rules.allowPrivateNetwork) {
    return `${parsed.hostname} is a ${kind} address, refused unless allowPrivateNetwork is true`;
  }
  return undefined;
}
