/**
 * Images and files as every provider needs them: a URL, or base64 data with
 * its media type (from the part, a data URL, or the bytes' signature).
 */
import type { FilePart, ImagePart } from './spec.js';

export type Media =
  | { readonly kind: 'url'; readonly url: string; readonly mediaType: string | null }
  | { readonly kind: 'base64'; readonly data: string; readonly mediaType: string | null };

const DATA_URL = /^data:([^;,]+)?(;base64)?,/;

function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

/** The media type a URL's file extension says, or null. */
function mediaTypeOfUrl(url: string): string | null {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? null : (EXTENSION_TYPES[extension] ?? null);
}

/** The media type the first bytes say (PNG, JPEG, GIF, WebP, PDF), or null. */
function sniff(base64: string): string | null {
  if (base64.startsWith('iVBORw0KGgo')) return 'image/png';
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  if (base64.startsWith('UklGR')) return 'image/webp';
  if (base64.startsWith('JVBERi')) return 'application/pdf';
  return null;
}

/**
 * Where an image or file part's bytes are: an `http(s):` URL stays a URL; a
 * data URL, base64 text or bytes become base64 with a media type (the part's,
 * the data URL's, else sniffed; null when none of them says).
 *
 * @example
 * mediaOf({ type: 'image', image: 'data:image/png;base64,iVBORw0KGgo=' }) // { kind: 'base64', data: 'iVBORw0KGgo=', mediaType: 'image/png' }
 */
export function mediaOf(part: ImagePart | FilePart): Media {
  const value = part.type === 'image' ? part.image : part.data;
  const declared = part.mediaType ?? null;
  if (typeof value !== 'string') {
    const data = base64Of(value);
    return { kind: 'base64', data, mediaType: declared ?? sniff(data) };
  }
  if (value.startsWith('https://') || value.startsWith('http://')) return { kind: 'url', url: value, mediaType: declared ?? mediaTypeOfUrl(value) };
  const match = DATA_URL.exec(value);
  if (match !== null) {
    const body = value.slice(match[0].length);
    const data = match[2] === undefined ? Buffer.from(decodeURIComponent(body), 'utf8').toString('base64') : body;
    return { kind: 'base64', data, mediaType: declared ?? match[1] ?? sniff(data) };
  }
  return { kind: 'base64', data: value, mediaType: declared ?? sniff(value) };
}

/** `data:<type>;base64,<data>`. */
export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** The text of a tool result for providers that take text: strings as they are, anything else as JSON. */
export function toolResultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result === undefined) return '';
  try {
    return JSON.stringify(result) ?? String(result);
  } catch {
    return String(result);
  }
}
