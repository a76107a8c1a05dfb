/**
 * Gateway keys: what clients present to use the gateway (never a provider's
 * key). Only SHA-256 hashes are kept; a presented key is hashed and compared
 * with every stored hash in constant time. Each key may be limited to some
 * policies and to a request rate.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** One key's entry: its hash, a name for logs, and its limits. */
export interface GatewayKey {
  /** A name for access logs (never the key): `name=` in the file, else the hash's first 8 hex digits. */
  readonly name: string;
  readonly hash: Buffer;
  /** Policies this key may call; null for all. */
  readonly policies: ReadonlySet<string> | null;
  /** Requests per second this key may send (a token bucket of one second's worth); null for no limit. */
  readonly ratePerSecond: number | null;
}

const HASH_PREFIX = 'sha256:';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * `sha256:<hex>` or a plain key (hashed at once), then optional
 * `name=…`, `policies=a,b`, `rate=N/s` (or `N/m`).
 */
function parseEntry(entry: string, where: string): GatewayKey {
  const [secret, ...options] = entry.trim().split(/\s+/);
  if (secret === undefined || secret === '') throw new Error(`${where}: empty key`);
  let hash: Buffer;
  if (secret.startsWith(HASH_PREFIX)) {
    const hex = secret.slice(HASH_PREFIX.length);
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${where}: sha256: takes 64 hex digits`);
    hash = Buffer.from(hex, 'hex');
  } else {
    hash = sha256(secret);
  }
  let name = hash.toString('hex').slice(0, 8);
  let policies: Set<string> | null = null;
  let ratePerSecond: number | null = null;
  for (const option of options) {
    const equals = option.indexOf('=');
    const field = equals < 0 ? option : option.slice(0, equals);
    const value = equals < 0 ? '' : option.slice(equals + 1);
    if (field === 'name' && value !== '') name = value;
    else if (field === 'policies' && value !== '') policies = new Set(value.split(',').filter((policy) => policy !== ''));
    else if (field === 'rate') {
      const rate = /^(\d+(?:\.\d+)?)\/(s|m)$/.exec(value);
      if (rate === null || Number(rate[1]) <= 0) throw new Error(`${where}: rate takes N/s or N/m (got "${value}")`);
      ratePerSecond = Number(rate[1]) / (rate[2] === 'm' ? 60 : 1);
    } else throw new Error(`${where}: unknown option "${field}" (name=, policies=, rate= are known)`);
  }
  return { name, hash, policies, ratePerSecond };
}

/**
 * The keys a gateway accepts.
 *
 * @example
 * const keys = GatewayKeys.parse('sha256:9f86d0…  name=ci  policies=default  rate=20/s')
 * const keys = await GatewayKeys.fromFile('/etc/detour/keys')
 * const keys = GatewayKeys.fromEnv(process.env) // DETOUR_GATEWAY_KEYS=key1,key2
 */
export class GatewayKeys {
  private readonly buckets = new Map<GatewayKey, { tokens: number; at: number }>();

  private constructor(readonly keys: readonly GatewayKey[]) {}

  /** One key per line (blank lines and `#` comments skipped). */
  static parse(text: string, source = 'keys'): GatewayKeys {
    const keys: GatewayKey[] = [];
    text.split('\n').forEach((line, index) => {
      const entry = line.replace(/#.*$/, '').trim();
      if (entry !== '') keys.push(parseEntry(entry, `${source}:${index + 1}`));
    });
    return new GatewayKeys(keys);
  }

  static async fromFile(file: string): Promise<GatewayKeys> {
    return GatewayKeys.parse(await readFile(file, 'utf8'), file);
  }

  /** `DETOUR_GATEWAY_KEYS`: comma-separated entries (plain keys or `sha256:<hex>`, options after a space). */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): GatewayKeys {
    return GatewayKeys.parse((env.DETOUR_GATEWAY_KEYS ?? '').split(',').join('\n'), 'DETOUR_GATEWAY_KEYS');
  }

  /** `sha256:<hex>` for a key, the form to store in a keys file. */
  static hash(key: string): string {
    return `${HASH_PREFIX}${sha256(key).toString('hex')}`;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The entry for a presented key, or null. Compares against every entry, in constant time each. */
  find(presented: string): GatewayKey | null {
    const hash = sha256(presented);
    let found: GatewayKey | null = null;
    for (const key of this.keys) if (timingSafeEqual(key.hash, hash) && found === null) found = key;
    return found;
  }

  /** Take one request from the key's rate; the milliseconds to wait when there is none left, else 0. */
  take(key: GatewayKey, now: number): number {
    const rate = key.ratePerSecond;
    if (rate === null) return 0;
    const capacity = Math.max(1, rate);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / rate) * 1000);
  }
}
