/**
 * Streams: read one attempt into the consumer. The first attempt to send a
 * chunk wins the session (it is committed and the others are aborted); a
 * later chunk from a loser ends that loser.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { CallOptions, GenerateRequest, GenerateResponse } from '../providers/spec.js';
import { abortLosers } from './abortAttempts.js';
import type { AttemptRun } from './AttemptRun.js';
import { syntheticFact } from './request.js';
import type { Session } from './Session.js';
import type { ExecutorStreamEvent } from './types.js';

/** Forward `run`'s stream to the session's sink; resolves with its final response. */
export async function pumpStream(session: Session, run: AttemptRun, request: GenerateRequest, callOptions: CallOptions): Promise<GenerateResponse> {
  const sink = session.sink!;
  const model = run.model;
  let firstChunk = true;
  for await (const part of run.adapter.stream(request, callOptions)) {
    if (firstChunk) {
      firstChunk = false;
      run.scope.firstChunk?.(session.services.clock.now() - run.startTime);
    }
    if (!run.committed && !commit(session, run)) throw new Error('lost the race to another attempt');
    let event: ExecutorStreamEvent;
    switch (part.type) {
      case 'finish':
        return part.response;
      case 'text-delta':
        run.text += part.text;
        event = { type: 'text-delta', text: part.text, model };
        break;
      case 'reasoning-delta':
        event = { type: 'reasoning-delta', text: part.text, model };
        break;
      case 'tool-call-start':
        event = { type: 'tool-call-start', id: part.id, name: part.name, model };
        break;
      case 'tool-call-delta':
        event = { type: 'tool-call-delta', id: part.id, argumentsDelta: part.argumentsDelta, model };
        break;
      case 'tool-call':
        event = { type: 'tool-call', id: part.id, name: part.name, arguments: part.arguments, model };
        break;
    }
    run.forwarded = true;
    const wait = sink.push(event);
    if (wait !== undefined) await wait;
  }
  throw new ProviderCallError(syntheticFact('stream_interrupted', 'stream ended without a finish', run.adapter.providerType), { partialText: run.text });
}

/** Make `run` the session's stream, unless another attempt got there first or the session is over. */
function commit(session: Session, run: AttemptRun): boolean {
  if (session.committed !== null || session.finished !== null || run.abortReason !== null) return false;
  session.committed = run;
  run.committed = true;
  run.firstChunkAt = session.services.clock.now();
  run.clearTimers();
  abortLosers(session, run);
  return true;
}
