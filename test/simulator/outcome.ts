/**
 * One call through a real SDK, reduced to what the fault tests compare:
 * the text received, the finish reason, the HTTP status, or the thrown error.
 */
import type { Simulator } from '../../src/simulator/server.js';
import { anthropicClient, googleClient, openAIClient } from './clients.js';

export type Protocol = 'openai' | 'anthropic' | 'google';
export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic', 'google'];

export interface Outcome {
  readonly text: string;
  readonly finish: string | null;
  /** The error thrown, if any. */
  readonly error: (Error & { status?: number; headers?: unknown; type?: string; code?: string }) | null;
  readonly status: number | null;
  /** Anthropic stream event types, OpenAI/Google chunk count. */
  readonly events: readonly string[];
}

export interface CallOptions {
  readonly stream: boolean;
  readonly signal?: AbortSignal;
  readonly prompt?: string;
}

export async function callThrough(protocol: Protocol, simulator: Simulator, model: string, options: CallOptions): Promise<Outcome> {
  let text = '';
  let finish: string | null = null;
  const events: string[] = [];
  const prompt = options.prompt ?? 'Tell me about the weather today, in detail please.';
  const requestOptions = options.signal === undefined ? {} : { signal: options.signal };
  try {
    if (protocol === 'openai') {
      const client = openAIClient(simulator.url);
      const messages = [{ role: 'user' as const, content: prompt }];
      if (options.stream) {
        const stream = await client.chat.completions.create({ model, messages, stream: true }, requestOptions);
        for await (const chunk of stream) {
          events.push('chunk');
          text += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
      } else {
        const completion = await client.chat.completions.create({ model, messages }, requestOptions);
        text = completion.choices[0]?.message.content ?? '';
        finish = completion.choices[0]?.finish_reason ?? null;
      }
    } else if (protocol === 'anthropic') {
      const client = anthropicClient(simulator.url);
      const body = { model, max_tokens: 1024, messages: [{ role: 'user' as const, content: prompt }] };
      if (options.stream) {
        const stream = await client.messages.create({ ...body, stream: true }, requestOptions);
        for await (const event of stream) {
          events.push(event.type);
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
          if (event.type === 'message_delta') finish = event.delta.stop_reason;
        }
      } else {
        const message = await client.messages.create(body, requestOptions);
        text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        finish = message.stop_reason;
      }
    } else {
      const client = googleClient(simulator.url);
      const config = options.signal === undefined ? {} : { abortSignal: options.signal };
      if (options.stream) {
        const stream = await client.models.generateContentStream({ model, contents: prompt, config });
        for await (const chunk of stream) {
          events.push('chunk');
          text += chunk.text ?? '';
          finish = chunk.candidates?.[0]?.finishReason ?? finish;
        }
      } else {
        const response = await client.models.generateContent({ model, contents: prompt, config });
        text = response.text ?? '';
        finish = response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason ?? null;
      }
    }
  } catch (error) {
    const thrown = error as Outcome['error'] & object;
    return { text, finish, error: thrown, status: typeof thrown.status === 'number' ? thrown.status : null, events };
  }
  return { text, finish, error: null, status: null, events };
}
