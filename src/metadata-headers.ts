/**
 * Request facts carried in HTTP-style headers: `x-detour-metadata-user-id: u-42`
 * becomes the fact `request.metadata.user_id = 'u-42'` (the prefix dropped,
 * dashes turned to underscores, names compared without case). The gateway reads
 * them from its clients' requests, the AI SDK model from a call's `headers`.
 */

export const METADATA_HEADER_PREFIX = 'x-detour-metadata-';

/** The metadata in `headers`, or null when no header carries any. */
export function metadataFromHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> | null {
  let metadata: Record<string, string> | null = null;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!lower.startsWith(METADATA_HEADER_PREFIX)) continue;
    metadata ??= {};
    metadata[lower.slice(METADATA_HEADER_PREFIX.length).replaceAll('-', '_')] = typeof value === 'string' ? value : value.join(',');
  }
  return metadata;
}
