/**
 * One OpenTelemetry SERVER span per gateway request, continuing the client's
 * W3C `traceparent` (through the globally registered propagator), so the
 * executor's session spans become its children. With no SDK registered
 * every call here is the API's no-op.
 */
import type { IncomingMessage } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** The gateway's tracer: from `provider`, else the global one (followed as it changes). */
export function gatewayTracer(provider: TracerProvider | null): Tracer {
  return (provider ?? trace.getTracerProvider()).getTracer('detour-llm/gateway');
}

export interface ServerSpan {
  /** The context to run the request's work in (the span is active in it). */
  readonly context: Context;
  end(status: number, errorType: string | null): void;
}

/**
 * @example
 * const span = startServerSpan(tracer, request, '/v1/chat/completions')
 * await context.with(span.context, () => executor.generate(options))
 * span.end(200, null)
 */
export function startServerSpan(tracer: Tracer, request: IncomingMessage, route: string): ServerSpan {
  let parent: Context;
  let span: Span;
  try {
    parent = propagation.extract(ROOT_CONTEXT, request.headers);
    span = tracer.startSpan(
      `${request.method ?? 'GET'} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method ?? 'GET', 'http.route': route, 'url.path': route, 'url.scheme': 'http' },
      },
      parent,
    );
  } catch {
    // Telemetry never fails a request.
    return { context: context.active(), end: () => undefined };
  }
  return {
    context: trace.setSpan(parent, span),
    end(status, errorType) {
      try {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) {
          span.setAttribute('error.type', errorType ?? String(status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      } catch {
        // as above
      }
    },
  };
}
