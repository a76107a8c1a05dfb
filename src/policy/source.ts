/**
 * A policy's YAML source: the parsed document plus the means to turn a JSON
 * pointer back into a 1-based line and column, so every later check can
 * point at the key or value it is about.
 */
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { yaml } from '../yaml.js';
import { pointerSegments, toPointer, type SourcePosition } from './diagnostics.js';

/** What a pointer should resolve to: the key of a mapping entry, or its value. */
export type LocateTarget = 'key' | 'value';

/** A parsed YAML document with position lookup. */
export interface PolicySource {
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** Position of the node at `pointer` (the nearest existing ancestor if it does not exist). */
  locate(pointer: string, target?: LocateTarget): SourcePosition;
  /** Position of a character offset. */
  positionOf(offset: number): SourcePosition;
}

const documentStart: SourcePosition = { line: 1, column: 1 };

/**
 * Run `parse` with `process.env` swapped for a plain object holding only the
 * two variables yaml reads. yaml 2.9 reads `process.env.LOG_TOKENS` once per
 * token, and every `process.env` read is a call into the C++ environment:
 * about a quarter of the parse time of a typical policy. The swap lasts only
 * for this synchronous call, so no other code can observe it.
 */
function withPlainEnvironment<T>(parse: () => T): T {
  const environment = process.env;
  try {
    process.env = { LOG_TOKENS: environment.LOG_TOKENS, LOG_STREAM: environment.LOG_STREAM };
  } catch {
    return parse();
  }
  try {
    return parse();
  } finally {
    process.env = environment;
  }
}

function keyText(key: unknown): string | undefined {
  if (yaml().isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * Parse YAML text. YAML 1.2 core schema, unique keys enforced, no merge
 * keys; errors are on `document.errors` (nothing throws).
 *
 * @example
 * const source = parseSource('a:\n  b: 1\n');
 * source.locate('/a/b') // { line: 2, column: 6 }
 */
export function parseSource(text: string): PolicySource {
  const { LineCounter, isAlias, isMap, isSeq, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = withPlainEnvironment(() =>
    parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, resolveKnownTags: false }),
  );

  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const nodePosition = (node: unknown): SourcePosition | undefined => {
    const range = (node as YamlNode | null)?.range;
    return range ? positionOf(range[0]) : undefined;
  };

  const locate = (pointer: string, target: LocateTarget = 'value'): SourcePosition => {
    let node: unknown = document.contents;
    let found = nodePosition(node) ?? documentStart;
    for (const segment of pointerSegments(pointer)) {
      if (isAlias(node)) node = node.resolve(document);
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === segment);
        if (!pair) return found;
        const keyPosition = nodePosition(pair.key) ?? found;
        found = keyPosition;
        node = pair.value;
        if (target === 'key') continue;
        found = nodePosition(node) ?? keyPosition;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined) return found;
        node = item;
        found = nodePosition(node) ?? found;
      } else {
        return found;
      }
    }
    return found;
  };

  return { text, document, lineCounter, locate, positionOf };
}

function pointerOfPath(path: readonly unknown[], node: unknown): string {
  const { isPair, isSeq } = yaml();
  const segments: (string | number)[] = [];
  const chain = [...path, node];
  for (let index = 0; index < chain.length - 1; index++) {
    const parent = chain[index];
    const child = chain[index + 1];
    if (isPair(parent)) {
      if (parent.value === child) segments.push(keyText(parent.key) ?? '');
    } else if (isSeq(parent)) {
      segments.push(parent.items.indexOf(child as never));
    }
  }
  return toPointer(segments);
}

/** The mapping entry whose key starts at `offset`, if any (for duplicate-key messages). */
export function keyAtOffset(
  source: PolicySource,
  offset: number,
): { key: string; pointer: string; first: SourcePosition | undefined } | undefined {
  let result: { key: string; pointer: string; first: SourcePosition | undefined } | undefined;
  const { visit } = yaml();
  visit(source.document, {
    Map(_, map, path) {
      for (const pair of map.items) {
        const range = (pair.key as YamlNode | null)?.range;
        if (range?.[0] !== offset) continue;
        const key = keyText(pair.key) ?? '';
        const firstPair = map.items.find((item) => keyText(item.key) === key);
        const firstRange = (firstPair?.key as YamlNode | null)?.range;
        result = {
          key,
          pointer: `${pointerOfPath(path, map)}${toPointer([key])}`,
          first: firstRange ? source.positionOf(firstRange[0]) : undefined,
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return result;
}

/** Pointer and position of the first alias in the document (where alias expansion begins). */
export function firstAlias(source: PolicySource): { pointer: string; position: SourcePosition } | undefined {
  let result: { pointer: string; position: SourcePosition } | undefined;
  const { visit } = yaml();
  visit(source.document, {
    Alias(_, alias, path) {
      const range = alias.range;
      result = { pointer: pointerOfPath(path, alias), position: range ? source.positionOf(range[0]) : documentStart };
      return visit.BREAK;
    },
  });
  return result;
}
