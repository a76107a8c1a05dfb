/**
 * Streams: read one attempt into the consumer. The first attempt to send a
 * chunk wins the session (`claim` commits it and aborts the others); a later
 * chunk from a loser ends that loser.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { CallOptions, GenerateRequest, GenerateResponse } from '../providers/spec.js';
import type { AttemptRun } from './AttemptRun.js';
import { syntheticFact } from './request.js';
import type { StreamSink } from './services.js';
import type { Clock, ExecutorStreamEvent } from './types.js';

/**
 * Forward `run`'s stream to `sink`; resolves with its final response.
 * `claim(run)` is asked at the first chunk whether this attempt may have the
 * session's stream (false: another attempt has it, or the session is over).
 */
export async function pumpStream(
  run: AttemptRun,
  request: GenerateRequest,
  callOptions: CallOptions,
  sink: StreamSink,
  clock: Clock,
  claim: (run: AttemptRun) => boolean,
): Promise<GenerateResponse> {
  const model = run.model;
  let firstChunk = true;
  for await (const part of run.adapter.stream(request, callOptions)) {
    if (firstChunk) {
      firstChunk = false;
      run.scope.firstChunk?.(clock.now() - run.startTime);
    }
    if (!run.committed && !claim(run)) throw new Error('lost the race to another attempt');
    let event: ExecutorStreamEvent;
    switch (part.type) {
      case 'finish':
        return part.response;
      case 'text-delta':
        run.text += part.text;
        event = { type: 'text-delta', text: part.text, model };
        break;
      case 'reasoning-delta':
        event = { ...part, model };
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
