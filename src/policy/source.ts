/**
 * A policy's YAML source: the parsed document plus the means to turn a JSON
 * pointer back into a 1-based line and column, so every later check can
 * point at the key or value it is about.
 */
import type { Document, LineCounter, Node as YamlNode, Pair, YAMLMap } from 'yaml';
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

/** A key that appears twice in one mapping. */
export interface DuplicateKey {
  readonly key: string;
  readonly pointer: string;
  /** Where the repeat starts (a character offset). */
  readonly offset: number;
  /** Where the first occurrence is. */
  readonly first: SourcePosition;
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

/** Each mapping's entries by key text (first occurrence), built on first lookup: a lookup then costs O(1), not O(keys). */
const entriesByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

function entryOf(map: YAMLMap, key: string): Pair | undefined {
  let index = entriesByKey.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const text = keyText(pair.key);
      if (text !== undefined && !index.has(text)) index.set(text, pair);
    }
    entriesByKey.set(map, index);
  }
  return index.get(key);
}

/**
 * Parse YAML text. YAML 1.2 core schema, no merge keys; errors are on
 * `document.errors` (nothing throws). Repeated keys are found by
 * {@link duplicateKeys}, in one pass (yaml's own check compares each key
 * with every earlier one: minutes for a file of 60,000 keys).
 *
 * @example
 * const source = parseSource('a:\n  b: 1\n');
 * source.locate('/a/b') // { line: 2, column: 6 }
 */
export function parseSource(text: string): PolicySource {
  const { LineCounter, isAlias, isMap, isSeq, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = withPlainEnvironment(() =>
    parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, resolveKnownTags: false }),
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
        const pair = entryOf(node, segment);
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

/**
 * Every key repeated in its mapping, in document order, in one pass over the
 * document (a set of key texts per mapping).
 *
 * @example
 * duplicateKeys(parseSource('a: 1\na: 2\n')) // [{ key: 'a', pointer: '/a', offset: 5, first: { line: 1, column: 1 } }]
 */
export function duplicateKeys(source: PolicySource): DuplicateKey[] {
  const { isMap, isSeq } = yaml();
  const found: DuplicateKey[] = [];
  const walk = (node: unknown, segments: (string | number)[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, Pair>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key === undefined) continue;
        const first = seen.get(key);
        if (first) {
          const range = (pair.key as YamlNode | null)?.range;
          const firstRange = (first.key as YamlNode | null)?.range;
          found.push({
            key,
            pointer: toPointer([...segments, key]),
            offset: range?.[0] ?? 0,
            first: firstRange ? source.positionOf(firstRange[0]) : documentStart,
          });
          continue;
        }
        seen.set(key, pair);
        if (isMap(pair.value) || isSeq(pair.value)) walk(pair.value, [...segments, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (isMap(item) || isSeq(item)) walk(item, [...segments, index]);
      });
    }
  };
  walk(source.document.contents, []);
  return found;
}

/** Why a document could not become plain data: its aliases expand too far. */
export interface AliasProblem {
  readonly pointer: string;
  readonly position: SourcePosition;
  readonly message: string;
}

/**
 * The document as plain data, or the problem at its first alias when the
 * aliases expand past `maxAliasCount` (a "billion laughs" file).
 *
 * @example
 * const plain = plainValue(source, 100);
 * if ('problem' in plain) report(plain.problem);
 */
export function plainValue(source: PolicySource, maxAliasCount: number): { readonly value: unknown } | { readonly problem: AliasProblem } {
  try {
    return { value: source.document.toJS({ maxAliasCount }) };
  } catch (error) {
    const alias = firstAlias(source);
    const reason = error instanceof Error ? error.message : String(error);
    return {
      problem: {
        pointer: alias?.pointer ?? '',
        position: alias?.position ?? documentStart,
        message: `YAML aliases expand too far (${reason}): write the values out instead of nesting aliases`,
      },
    };
  }
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
