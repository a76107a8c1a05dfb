/**
 * The part of a streamed call every adapter shares: the call's control (timer
 * and caller signal), the text received so far, the abort some SDKs report by
 * ending their iteration quietly, the early stop by the consumer, and turning
 * whatever is thrown into a `ProviderCallError`. What a provider's chunks mean
 * stays in its folder, in a {@link StreamReader}.
 */
import { CallControl } from './call-control.js';
import { toCallError } from './call-error.js';
import type { CallOptions, GenerateRequest, GenerateResponse, ProviderType, StreamPart } from './spec.js';

/** How one provider starts a stream; an adapter builds it once. */
export interface StreamProtocol<Body, Chunk> {
  /** For the errors: which provider's error shapes to read. */
  readonly provider: ProviderType;
  /** The client's API key, scrubbed from errors. */
  readonly secrets: readonly string[];
  /** The request's wire body. Runs before the call's timer starts; what it throws is not wrapped. */
  prepare(request: GenerateRequest): Body;
  /** Send the body with `control.signal`; settles (through `control.race`) once the response has started. */
  open(body: Body, control: CallControl): Promise<AsyncIterable<Chunk>>;
}

/** One streamed call's reading of its provider's chunks. */
export interface StreamReader<Chunk> {
  /** Note what `chunk` says (finish reason, usage, ids) and push the stream parts it makes onto `out`. */
  read(chunk: Chunk, out: StreamPart[]): void;
  /**
   * After the last chunk: the response, or a throw (the stream ended without
   * the provider's terminator, or its answer was filtered). Parts still due
   * (tool calls completed by the end) go onto `out`. `partialText` is the
   * text streamed so far, for the errors.
   */
  finish(partialText: string, out: StreamPart[]): GenerateResponse;
}

/**
 * Yields the parts each chunk makes (text, reasoning, tool calls), then one `finish`; the consumer stopping early aborts
 * the request, and every failure is a `ProviderCallError` carrying the text
 * received so far.
 *
 * @example
 * stream(request: GenerateRequest, options?: CallOptions): AsyncGenerator<StreamPart, void, undefined> {
 *   return runStream(this.streaming, request, options, new OpenAIStreamReader(this.providerType));
 * }
 */
export async function* runStream<Body, Chunk>(
  protocol: StreamProtocol<Body, Chunk>,
  request: GenerateRequest,
  options: CallOptions | undefined,
  reader: StreamReader<Chunk>,
): AsyncGenerator<StreamPart, void, undefined> {
  const body = protocol.prepare(request);
  const control = CallControl.of(options) ?? new CallControl(undefined);
  let partialText = '';
  let started = false;
  let finished = false;
  try {
    const chunks = await protocol.open(body, control);
    started = true;
    const out: StreamPart[] = [];
    for await (const chunk of chunks) {
      reader.read(chunk, out);
      if (out.length === 0) continue;
      for (const part of out) {
        if (part.type === 'text-delta') partialText += part.text;
        yield part;
      }
      out.length = 0;
    }
    control.throwIfAborted();
    const response = reader.finish(partialText, out);
    for (const part of out) yield part;
    finished = true;
    yield { type: 'finish', response };
  } catch (error) {
    finished = true;
    throw toCallError(error, { provider: protocol.provider, control, duringStream: started, partialText, secrets: protocol.secrets });
  } finally {
    if (!finished) control.cancel();
    control.dispose();
  }
}
