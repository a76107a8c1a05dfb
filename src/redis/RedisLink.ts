/**
 * The connections behind RedisStateStore: one for commands, one for pub/sub,
 * reconnecting with capped exponential backoff. Tracks whether Redis answers
 * (down, or paused: nothing back for `slowMs`), says so once per outage, and
 * never lets a Redis error reach a caller.
 */
import { createClient } from 'redis';
import type { Script } from './scripts.js';

type Client = ReturnType<typeof createClient>;
type Reply = unknown;

export interface RedisLinkOptions {
  readonly url: string;
  readonly channel: string;
  readonly slowMs: number;
  readonly log: (message: string) => void;
  /** A message another process published on the channel. */
  readonly onMessage: (message: string) => void;
  /** Connected (again): resync; resolves when done. */
  readonly onReady: () => Promise<void>;
}

/** The URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

export class RedisLink {
  private readonly client: Client;
  private readonly subscriber: Client;
  private state: 'connecting' | 'ok' | 'down' | 'slow' | 'closed' = 'connecting';
  private detail: string | null = 'connecting';
  private since: number | null = Date.now();
  private inFlight = 0;
  private busySince = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  private subscribed = false;
  private readyResolvers: (() => void)[] = [];

  constructor(private readonly options: RedisLinkOptions) {
    const backoff = (retries: number): number => Math.min(2000, 50 * 2 ** retries) + Math.floor(Math.random() * 50);
    this.client = createClient({ url: options.url, disableOfflineQueue: true, socket: { reconnectStrategy: backoff, connectTimeout: 2000 } });
    this.subscriber = this.client.duplicate();
    for (const client of [this.client, this.subscriber]) {
      client.on('error', (error: unknown) => this.lost(error instanceof Error ? error.message : String(error)));
      client.on('end', () => this.lost('connection closed'));
    }
    this.client.on('ready', () => void this.ready());
    // Messages published while only the subscriber was away are lost: read the state again once it is back.
    this.subscriber.on('ready', () => {
      if (this.subscribed && this.state === 'ok') void this.options.onReady();
    });
    this.timer = setInterval(() => this.checkSlow(), Math.max(10, Math.floor(options.slowMs / 4)));
    this.timer.unref();
    this.client.connect().catch(() => {});
    this.subscriber.connect().then(
      () => this.subscribe(),
      () => {},
    );
  }

  /** Whether commands may be sent and their answers trusted now. */
  get usable(): boolean {
    return this.state === 'ok';
  }

  health(): { state: 'ok' | 'degraded'; detail: string | null; since: number | null } {
    return this.state === 'ok' ? { state: 'ok', detail: null, since: null } : { state: 'degraded', detail: this.detail, since: this.since };
  }

  /** Resolves once connected and resynced (or at once if already). */
  whenReady(): Promise<void> {
    if (this.state === 'ok') return Promise.resolve();
    return new Promise((resolve) => this.readyResolvers.push(resolve));
  }

  /** Run a script; resolves with its reply, or null when Redis failed (the failure is recorded, never thrown). */
  async run(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<Reply | null> {
    const argv = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.track(async () => {
        try {
          return await this.client.sendCommand(['EVALSHA', script.sha, ...argv]);
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
          return await this.client.sendCommand(['EVAL', script.source, ...argv]);
        }
      });
    } catch (error) {
      this.failed(error);
      return null;
    }
  }

  /** A plain command (SCAN, GET, HGETALL…) with the same failure handling. */
  async command(args: readonly string[]): Promise<Reply | null> {
    try {
      return await this.track(() => this.client.sendCommand([...args]));
    } catch (error) {
      this.failed(error);
      return null;
    }
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearInterval(this.timer);
    for (const resolve of this.readyResolvers.splice(0)) resolve();
    await Promise.allSettled([this.client.close(), this.subscriber.close()]);
  }

  private async track<T>(send: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.busySince = Date.now();
    let result: T;
    try {
      result = await send();
    } finally {
      this.inFlight--;
      this.busySince = Date.now();
    }
    if (this.state === 'slow') this.recovered();
    return result;
  }

  private async subscribe(): Promise<void> {
    if (this.subscribed) return;
    this.subscribed = true;
    try {
      await this.subscriber.subscribe(this.options.channel, (message: string) => this.options.onMessage(message));
    } catch (error) {
      this.subscribed = false;
      this.lost(error instanceof Error ? error.message : String(error));
    }
  }

  private async ready(): Promise<void> {
    if (this.state === 'closed') return;
    await this.subscribe();
    await this.options.onReady();
    if ((this.state as string) === 'closed') return;
    const wasDown = this.state === 'down' || this.state === 'slow';
    this.state = 'ok';
    this.detail = this.since = null;
    if (wasDown) this.options.log(`detour: Redis at ${redactUrl(this.options.url)} is back; state resynced`);
    for (const resolve of this.readyResolvers.splice(0)) resolve();
  }

  /** A command failed: with the connection gone, an outage; on a live connection (a timeout), Redis counts as slow until it answers again. */
  private failed(error: unknown): void {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    if (!this.client.isReady) {
      this.lost(reason);
      return;
    }
    if (this.state !== 'ok') return;
    this.state = 'slow';
    this.detail = `a Redis command failed: ${reason}`;
    this.since = Date.now();
    this.options.log(`detour: a command to Redis at ${redactUrl(this.options.url)} failed (${reason}); serving from local state`);
  }

  private recovered(): void {
    this.state = 'ok';
    this.detail = this.since = null;
    this.options.log(`detour: Redis at ${redactUrl(this.options.url)} answers again`);
    // Writes were kept local meanwhile: replay them, and read what the others did.
    void this.options.onReady();
  }

  private lost(reason: string): void {
    if (this.state === 'closed' || this.state === 'down') return;
    this.state = 'down';
    this.detail = `Redis unreachable: ${reason}`;
    this.since = Date.now();
    this.options.log(`detour: Redis at ${redactUrl(this.options.url)} is unreachable (${reason}); serving from local state and reconnecting`);
  }

  private checkSlow(): void {
    if (this.state === 'slow' && this.inFlight === 0) {
      void this.command(['PING']);
      return;
    }
    if (this.state !== 'ok') return;
    const waited = Date.now() - this.busySince;
    if (this.inFlight === 0) {
      // A heartbeat while idle, so a paused server is noticed before a request needs it.
      if (waited >= this.options.slowMs) void this.command(['PING']);
      return;
    }
    if (waited < this.options.slowMs) return;
    this.state = 'slow';
    this.detail = `Redis has not answered for ${waited} ms`;
    this.since = Date.now();
    this.options.log(`detour: Redis at ${redactUrl(this.options.url)} has not answered for ${waited} ms; serving from local state`);
  }
}
