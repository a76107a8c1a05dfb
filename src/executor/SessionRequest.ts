/**
 * What a session reads off its request beyond the messages, each worked out
 * once, on first need: a plain text request that succeeds at once computes none.
 */
import { neededCapabilities, requestShape, type ModelCapability, type RequestShape } from '../providers/capabilities.js';
import type { RequestFactsInput } from '../rules/facts.js';
import { estimateInputTokens, requestFactsOf } from './request.js';
import type { GenerateOptions } from './types.js';

export class SessionRequest {
  private shapeOf: RequestShape | undefined;
  private needed: readonly ModelCapability[] | undefined;
  private inputTokens: number | undefined;
  private facts: RequestFactsInput | undefined;

  constructor(
    readonly options: GenerateOptions,
    readonly stream: boolean,
  ) {}

  /** What the request carries beyond text (tools, images, files, response format, reasoning). */
  shape(): RequestShape {
    return (this.shapeOf ??= requestShape(this.options, this.options.messages));
  }

  /** The capabilities a model needs to serve this request. */
  neededCapabilities(): readonly ModelCapability[] {
    return (this.needed ??= neededCapabilities(this.shape()));
  }

  /** The prompt's size for the context-window pre-check and the rules. */
  estimatedInputTokens(): number {
    return (this.inputTokens ??= estimateInputTokens(this.options.messages));
  }

  /** The `request.*` facts for the rules, the estimated input tokens included. */
  ruleFacts(): RequestFactsInput {
    return (this.facts ??= { ...requestFactsOf(this.options, this.stream, this.shape()), estimatedInputTokens: this.estimatedInputTokens() });
  }
}
