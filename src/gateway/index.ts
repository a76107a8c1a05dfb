/**
 * `detour-llm/gateway`: detour's policies as an HTTP gateway that speaks the
 * OpenAI Chat Completions and Anthropic Messages wire formats.
 *
 * @example
 * import { createExecutor } from 'detour-llm'
 * import { createGateway, GatewayKeys } from 'detour-llm/gateway'
 *
 * const executor = await createExecutor({ policies: './policies', watch: true })
 * const gateway = createGateway({ executor, keys: GatewayKeys.fromEnv() })
 * await gateway.listen({ port: 8787 })
 */
export { createGateway } from './createGateway.js';
export type { Gateway, GatewayOptions, GatewayAddress } from './createGateway.js';
export { GatewayKeys } from './GatewayKeys.js';
export type { GatewayKey } from './GatewayKeys.js';
export { jsonLinesAccessLog } from './accessLog.js';
export type { AccessLogEntry } from './accessLog.js';
