/**
 * One generation request, in either wire format: read and parse the body,
 * resolve the policy, run the session (inside the request's server span),
 * and answer as JSON or as an event stream.
 */
import type { ServerResponse } from 'node:http';
import { context as otelContext, type Context } from '@opentelemetry/api';
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { Executor } from '../executor/Executor.js';
import type { ExecutorResult, GenerateOptions } from '../executor/types.js';
import { metadataFromHeaders } from '../metadata-headers.js';
import type { Exchange } from './Exchange.js';
import { GatewayProblem, problemOfFailure, sessionIdOf } from './GatewayProblem.js';
import { resolveModel } from './models.js';
import { readJsonBody } from './readBody.js';
import { SseWriter } from './SseWriter.js';
import type { ParsedRequest, StreamRenderer, WireFormat } from './wire.js';

export interface GenerationContext {
  readonly executor: Executor;
  readonly maxBodyBytes: number;
  readonly sendJson: (response: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void;
  readonly sendProblem: (exchange: Exchange, wire: WireFormat, problem: GatewayProblem) => void;
  readonly draining: () => boolean;
}

function successHeaders(result: ExecutorResult, policy: string): Record<string, string> {
  return {
    'x-detour-session': String(result.session.id),
    'x-detour-attempts': String(result.session.attempts.length),
    'x-detour-model': result.model,
    'x-detour-policy': policy,
  };
}

/** What a failure becomes, given why the request was aborted (if it was). */
function problemOf(error: unknown, exchange: Exchange): GatewayProblem {
  if (error instanceof GatewayProblem) return error;
  if (!LLMFallbackError.isInstance(error)) throw error;
  const problem = problemOfFailure(error);
  if (exchange.abortCause === 'deadline') {
    return new GatewayProblem(504, 'timeout_error', 'the request ran past the gateway\'s request timeout', 'gateway_timeout', problem.session);
  }
  if (exchange.abortCause === 'shutdown') {
    return new GatewayProblem(503, 'overloaded_error', 'the gateway shut down before the answer ended', 'draining', problem.session);
  }
  return problem;
}

function note(exchange: Exchange, error: unknown): void {
  if (!LLMFallbackError.isInstance(error)) return;
  exchange.session = sessionIdOf(error);
  exchange.attempts = error.attempts.length;
}

/**
 * Serve one request. Failures a client can be told about are answered here;
 * the promise rejects only on a bug.
 */
export async function serveGeneration(context: GenerationContext, exchange: Exchange, wire: WireFormat, spanContext: Context): Promise<void> {
  let request: ParsedRequest;
  let options: GenerateOptions;
  try {
    request = wire.parse(await readJsonBody(exchange.request, context.maxBodyBytes));
    exchange.stream = request.stream;
    const resolved = resolveModel(context.executor.policies.current(), request.model);
    exchange.policy = resolved.policy;
    const allowed = exchange.key?.policies;
    if (allowed != null && !allowed.has(resolved.policy)) {
      throw new GatewayProblem(403, 'permission_error', `gateway key "${exchange.key!.name}" may not use policy "${resolved.policy}"`, 'policy_not_allowed');
    }
    const fromHeaders = metadataFromHeaders(exchange.request.headers);
    options = {
      policy: resolved.policy,
      ...request.features,
      messages: request.messages,
      params: request.params,
      metadata: fromHeaders === null ? request.metadata : { ...request.metadata, ...fromHeaders },
      signal: exchange.controller.signal,
      ...(resolved.model === undefined ? {} : { model: resolved.model }),
    };
  } catch (error) {
    if (!(error instanceof GatewayProblem)) throw error;
    if (error.status === 413 || error.status === 499) exchange.response.shouldKeepAlive = false;
    context.sendProblem(exchange, wire, error);
    return;
  }
  if (!request.stream) return answer(context, exchange, wire, request, options, spanContext);
  return stream(context, exchange, wire, request, options, spanContext);
}

async function answer(context: GenerationContext, exchange: Exchange, wire: WireFormat, request: ParsedRequest, options: GenerateOptions, spanContext: Context): Promise<void> {
  let result: ExecutorResult;
  try {
    result = await otelContext.with(spanContext, () => context.executor.generate(options));
  } catch (error) {
    note(exchange, error);
    context.sendProblem(exchange, wire, problemOf(error, exchange));
    return;
  }
  exchange.model = result.model;
  exchange.session = result.session.id;
  exchange.attempts = result.session.attempts.length;
  const headers = successHeaders(result, options.policy);
  if (context.draining()) headers.connection = 'close';
  context.sendJson(exchange.response, 200, wire.answer(result, request), headers);
}

async function stream(context: GenerationContext, exchange: Exchange, wire: WireFormat, request: ParsedRequest, options: GenerateOptions, spanContext: Context): Promise<void> {
  const response = exchange.response;
  // The session is opened (inside the span) by the first read; its number is known now, for the headers.
  const events = context.executor.stream(options);
  exchange.session = events.sessionId;
  const sse = new SseWriter(response);
  let renderer: StreamRenderer | null = null;
  // Headers go out with the first output, so a session that fails before it still gets its real status.
  const begin = (model: string): StreamRenderer => {
    if (renderer !== null) return renderer;
    exchange.model = model;
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-detour-session': String(events.sessionId),
      'x-detour-model': model,
      'x-detour-policy': options.policy,
      ...(context.draining() ? { connection: 'close' } : {}),
    });
    renderer = wire.stream(sse, request);
    return renderer;
  };
  try {
    await otelContext.with(spanContext, async () => {
      for await (const event of events) {
        if (event.type === 'finish') {
          exchange.session = event.result.session.id;
          exchange.attempts = event.result.session.attempts.length;
          begin(event.result.model).finish(event.result);
        } else if (event.type === 'restart') {
          if (renderer !== null) await renderer.restart(event.failedModel);
        } else if (event.type !== 'attempt-failed') {
          const pending = begin(event.model).event(event);
          if (pending !== undefined) await pending;
        }
      }
    });
  } catch (error) {
    note(exchange, error);
    const problem = problemOf(error, exchange);
    exchange.errorCode = problem.code ?? problem.type;
    if (renderer === null) context.sendProblem(exchange, wire, problem);
    else (renderer as StreamRenderer).fail(problem);
  }
}
