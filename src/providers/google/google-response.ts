/**
 * Reading a Gemini response (whole, or one streamed chunk): its text and its
 * finish reason.
 */
import type { GenerateContentResponse } from '@google/genai';
import type { FinishReason } from '../spec.js';
import { mapGoogleFinishReason } from './map-google-finish-reason.js';

/** The first candidate's text, thoughts left out; '' when there is none. */
export function textOf(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts;
  if (parts === undefined) return '';
  let text = '';
  for (const part of parts) if (typeof part.text === 'string' && part.thought !== true) text += part.text;
  return text;
}

/** A finish reason, or the prompt's block reason (a filtered prompt has no candidates). */
export function finishOf(response: GenerateContentResponse): FinishReason | null {
  const raw = response.candidates?.[0]?.finishReason;
  if (raw !== undefined && raw !== null) return mapGoogleFinishReason(raw);
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason !== undefined && blockReason !== null) return { unified: 'content_filter', raw: blockReason };
  return null;
}
