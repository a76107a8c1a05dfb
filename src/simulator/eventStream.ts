/**
 * AWS event stream framing (`application/vnd.amazon.eventstream`), as Bedrock's
 * ConverseStream sends it: each message is a prelude (total length, headers
 * length, CRC32 of the two), string headers, the payload, and a CRC32 of all
 * that came before.
 */
import { crc32 } from 'node:zlib';

const PRELUDE_LENGTH = 12;
const CHECKSUM_LENGTH = 4;
const STRING_HEADER = 7;

function encodeHeaders(headers: Readonly<Record<string, string>>): Buffer {
  const pieces: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const piece = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    let offset = piece.writeUInt8(nameBytes.length, 0);
    offset += nameBytes.copy(piece, offset);
    offset = piece.writeUInt8(STRING_HEADER, offset);
    offset = piece.writeUInt16BE(valueBytes.length, offset);
    valueBytes.copy(piece, offset);
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
}

/**
 * One event stream message.
 *
 * @example
 * encodeEventMessage({ ':message-type': 'event', ':event-type': 'messageStart', ':content-type': 'application/json' }, '{"role":"assistant"}')
 */
export function encodeEventMessage(headers: Readonly<Record<string, string>>, payload: string): Buffer {
  const headerBytes = encodeHeaders(headers);
  const payloadBytes = Buffer.from(payload, 'utf8');
  const total = PRELUDE_LENGTH + headerBytes.length + payloadBytes.length + CHECKSUM_LENGTH;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, PRELUDE_LENGTH);
  payloadBytes.copy(message, PRELUDE_LENGTH + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - CHECKSUM_LENGTH)), total - CHECKSUM_LENGTH);
  return message;
}

/** An `event` message of the given type with a JSON payload. */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeEventMessage({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
}

/** An `exception` message: a modelled error sent inside a stream that has started (`throttlingException`, …). */
export function exceptionMessage(exceptionType: string, payload: string): Buffer {
  return encodeEventMessage({ ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' }, payload);
}
