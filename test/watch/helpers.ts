/**
 * Shared pieces of the hot-reload tests: real temp folders, policy text, and
 * waiting for the watcher's next event (never a fixed sleep).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PolicyWatcher } from '../../src/watch/PolicyWatcher.js';
import type { PolicyRejectedEvent, PolicyReloadedEvent, WatchErrorEvent } from '../../src/watch/events.js';

export type WatcherEvent =
  | { readonly type: 'policy-reloaded'; readonly event: PolicyReloadedEvent }
  | { readonly type: 'policy-rejected'; readonly event: PolicyRejectedEvent }
  | { readonly type: 'watch-error'; readonly event: WatchErrorEvent };

/** Generous: only a broken watcher ever reaches it, and then the test fails with this message. */
export const EVENT_TIMEOUT_MS = 10_000;

/**
 * Resolves with the watcher's next event of any kind; rejects (failing the
 * test) when none arrives within the safety timeout.
 */
export function nextEvent(watcher: PolicyWatcher, timeoutMs = EVENT_TIMEOUT_MS): Promise<WatcherEvent> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      watcher.off('policy-reloaded', onReloaded);
      watcher.off('policy-rejected', onRejected);
      watcher.off('watch-error', onError);
    };
    const onReloaded = (event: PolicyReloadedEvent) => {
      cleanup();
      resolve({ type: 'policy-reloaded', event });
    };
    const onRejected = (event: PolicyRejectedEvent) => {
      cleanup();
      resolve({ type: 'policy-rejected', event });
    };
    const onError = (event: WatchErrorEvent) => {
      cleanup();
      resolve({ type: 'watch-error', event });
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no watcher event within ${timeoutMs} ms`));
    }, timeoutMs);
    watcher.on('policy-reloaded', onReloaded);
    watcher.on('policy-rejected', onRejected);
    watcher.on('watch-error', onError);
  });
}

/** The next event, which must be a `policy-reloaded`. */
export async function nextReload(watcher: PolicyWatcher): Promise<PolicyReloadedEvent> {
  const next = await nextEvent(watcher);
  if (next.type !== 'policy-reloaded') throw new Error(`expected policy-reloaded, got ${next.type}: ${JSON.stringify(next.event, errorReplacer)}`);
  return next.event;
}

/** The next event, which must be a `policy-rejected`. */
export async function nextRejection(watcher: PolicyWatcher): Promise<PolicyRejectedEvent> {
  const next = await nextEvent(watcher);
  if (next.type !== 'policy-rejected') throw new Error(`expected policy-rejected, got ${next.type}: ${JSON.stringify(next.event, errorReplacer)}`);
  return next.event;
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/** A fresh folder under the OS temp folder; `cleanup` removes it. */
export async function temporaryFolder(): Promise<{ folder: string; cleanup: () => Promise<void> }> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'detour-watch-'));
  return { folder, cleanup: () => rm(folder, { recursive: true, force: true }) };
}

export interface PolicyTextOptions {
  readonly name?: string;
  readonly primary?: 'gpt-4o' | 'claude-instant';
  readonly description?: string;
  readonly maxAttempts?: string;
  readonly fallback?: string;
}

/**
 * A valid policy, one key per line so tests know each line number:
 * line 4 is `description`, line 11 `primary_model`, line 12 `fallback_models`,
 * line 14 `max_attempts`.
 */
export function policyText(options: PolicyTextOptions = {}): string {
  const primary = options.primary ?? 'gpt-4o';
  const other = primary === 'gpt-4o' ? 'claude-instant' : 'gpt-4o';
  return [
    '# yaml-language-server: $schema=../schemas/policy.schema.json',
    'version: 1',
    `name: ${options.name ?? 'default'}`,
    `description: "${options.description ?? 'chat traffic'}"`,
    'provider_config:',
    '  openai: { api_key_env: OPENAI_API_KEY }',
    '  anthropic: { api_key_env: ANTHROPIC_API_KEY }',
    'models:',
    '  gpt-4o: { provider: openai }',
    '  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }',
    `primary_model: ${primary}`,
    `fallback_models: [${options.fallback ?? other}]`,
    'strategy_type: sequential',
    `max_attempts: ${options.maxAttempts ?? '3'}`,
    '',
  ].join('\n');
}
