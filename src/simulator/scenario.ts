/**
 * Reading simulator scenarios: YAML text or a plain object in, a validated
 * `Scenario` out, or a `ScenarioError` naming file:line:col of every problem.
 * Format reference: docs/simulator.md.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pointerSegments, toPointer } from '../policy/diagnostics.js';
import { duplicateKeys, parseSource, plainValue } from '../policy/source.js';
import type { DocumentedProvider } from '../errors/catalog.js';
import { compileLatency, parseDuration } from './latency.js';
import { ScenarioError, type ScenarioIssue } from './ScenarioError.js';

export { parseDuration } from './latency.js';
import {
  DOCUMENTED_FAULTS,
  DOCUMENTED_PROVIDERS,
  HEALTHY_BEHAVIOUR,
  WIRE_FAULTS,
  isScenario,
  type FaultRule,
  type FaultWhen,
  type ModelBehaviour,
  type Scenario,
  type SimulatorFaultType,
} from './scenarioTypes.js';

type Path = readonly (string | number)[];
/** `atKey`: the problem is the key itself (unknown key), so point at the key, not its value. */
type Report = (path: Path, message: string, atKey?: boolean) => void;

const FAULT_TYPES: ReadonlySet<string> = new Set<string>([...DOCUMENTED_FAULTS, ...WIRE_FAULTS]);
const MODEL_KEYS = new Set(['latency', 'chunk_latency', 'chunks', 'reply', 'faults', 'tool_calls', 'reasoning', 'refusal', 'json']);
const FAULT_KEYS = new Set(['type', 'provider', 'retry_after', 'when', 'after_chunks']);
const WHEN_KEYS = new Set(['first', 'every', 'probability', 'from', 'to']);
const TOP_KEYS = new Set(['name', 'description', 'seed', 'models']);

/**
 * Validates a scenario given as a plain object (the YAML's shape) and compiles it.
 *
 * @example
 * const scenario = compileScenario({ models: { '*': { latency: '20ms' },
 *   'gpt-4o': { faults: [{ type: 'rate_limit', retry_after: '2s', when: { first: 3 } }] } } });
 */
export function compileScenario(definition: unknown, file: string | null = null): Scenario {
  if (isScenario(definition)) return definition;
  const issues: ScenarioIssue[] = [];
  const scenario = compile(definition, (path, message) => {
    issues.push({ message, path: path.join('.'), line: null, column: null });
  });
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return scenario;
}

/** Largest scenario file or text accepted, checked before parsing. @default 1 MiB */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Most alias expansions in one scenario (YAML "billion laughs" protection). @default 100 */
export const MAX_SCENARIO_ALIASES = 100;

/** Most problems reported for one scenario; the count of the rest is in the error's message. @default 20 */
export const MAX_SCENARIO_ISSUES = 20;

function fileIssue(message: string): ScenarioIssue {
  return { message, path: '', line: null, column: null };
}

function tooLarge(bytes: number): ScenarioIssue {
  return fileIssue(`the scenario is ${bytes} bytes; scenarios are limited to ${MAX_SCENARIO_BYTES} bytes (1 MiB)`);
}

function refuse(file: string | null, issues: readonly ScenarioIssue[], total = issues.length): never {
  throw new ScenarioError(file, issues.slice(0, MAX_SCENARIO_ISSUES), { total });
}

/**
 * Parses and validates scenario YAML; problems carry line and column. The
 * same guards as policies: a size cap, an alias limit, repeated keys found
 * in one pass, and at most {@link MAX_SCENARIO_ISSUES} problems listed.
 *
 * @example
 * const scenario = parseScenario('models:\n  "*": { latency: 5ms }\n', 'inline.yaml');
 */
export function parseScenario(text: string, file: string | null = null): Scenario {
  const bytes = text.length * 3 <= MAX_SCENARIO_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCENARIO_BYTES) refuse(file, [tooLarge(bytes)]);
  const source = parseSource(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const at = (position: { line: number; column: number }, message: string, path = ''): ScenarioIssue => ({
    message,
    path,
    line: position.line,
    column: position.column,
  });
  const syntax = source.document.errors.map((error) =>
    at(source.positionOf(error.pos[0]), (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')),
  );
  if (syntax.length > 0) refuse(file, syntax);
  const duplicates = duplicateKeys(source).map((duplicate) =>
    at(
      source.positionOf(duplicate.offset),
      `duplicate key \`${duplicate.key}\` (first on line ${duplicate.first.line}): each key may appear once in a mapping`,
      pointerSegments(duplicate.pointer).join('.'),
    ),
  );
  if (duplicates.length > 0) refuse(file, duplicates);
  const plain = plainValue(source, MAX_SCENARIO_ALIASES);
  if ('problem' in plain) refuse(file, [at(plain.problem.position, plain.problem.message, pointerSegments(plain.problem.pointer).join('.'))]);
  const definition = plain.value;
  const issues: ScenarioIssue[] = [];
  let total = 0;
  const scenario = compile(definition, (path, message, atKey) => {
    total += 1;
    if (issues.length >= MAX_SCENARIO_ISSUES) return;
    issues.push(at(source.locate(toPointer(path), atKey ? 'key' : 'value'), message, path.join('.')));
  });
  if (issues.length > 0) refuse(file, issues, total);
  return scenario;
}

/**
 * Reads a scenario file (YAML or JSON). Only regular files are read: a FIFO
 * or a device (`/dev/urandom`) is refused before a byte is read, as is a file
 * over {@link MAX_SCENARIO_BYTES}.
 *
 * @example
 * const scenario = await loadScenarioFile('scenarios/outage.yaml');
 */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  let text: string;
  let handle: FileHandle | undefined;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile()) refuse(file, [fileIssue('not a regular file: give a scenario file (YAML or JSON) or a bundled scenario name')]);
    if (info.size > MAX_SCENARIO_BYTES) refuse(file, [tooLarge(info.size)]);
    text = await handle.readFile('utf8');
  } catch (error) {
    if (ScenarioError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'not a regular file: a folder' : (error as Error).message;
    throw new ScenarioError(file, [fileIssue(reason)], { cause: error });
  } finally {
    await handle?.close();
  }
  return parseScenario(text, file);
}

function compile(definition: unknown, report: Report): Scenario {
  const models = new Map<string, ModelBehaviour>();
  const empty: Scenario = { kind: 'detour.simulator.scenario', name: null, seed: null, models };
  if (definition === null || definition === undefined) {
    report([], 'a scenario needs a `models` map');
    return empty;
  }
  if (!isRecord(definition)) {
    report([], 'a scenario must be a map with a `models` key');
    return empty;
  }
  unknownKeys(definition, TOP_KEYS, [], report);
  const name = definition['name'];
  if (name !== undefined && typeof name !== 'string') report(['name'], 'must be a string');
  const seed = definition['seed'];
  if (seed !== undefined && !isInteger(seed)) report(['seed'], 'must be an integer');
  const modelsDefinition = definition['models'];
  if (!isRecord(modelsDefinition)) {
    report(modelsDefinition === undefined ? [] : ['models'], 'a scenario needs a `models` map (model id or `*` → behaviour)');
  } else {
    for (const [modelId, behaviour] of Object.entries(modelsDefinition)) {
      models.set(modelId, compileModel(behaviour ?? {}, ['models', modelId], report));
    }
  }
  return {
    kind: 'detour.simulator.scenario',
    name: typeof name === 'string' ? name : null,
    seed: isInteger(seed) ? seed : null,
    models,
  };
}

function compileModel(definition: unknown, path: Path, report: Report): ModelBehaviour {
  if (!isRecord(definition)) {
    report(path, 'must be a map with `latency`, `chunk_latency`, `chunks`, `reply`, `faults`, `tool_calls`, `reasoning`, `refusal` or `json`');
    return HEALTHY_BEHAVIOUR;
  }
  unknownKeys(definition, MODEL_KEYS, path, report);
  const latency = compileLatency(definition['latency'], [...path, 'latency'], report);
  const chunkLatency = compileLatency(definition['chunk_latency'], [...path, 'chunk_latency'], report);
  let chunks = HEALTHY_BEHAVIOUR.chunks;
  if (definition['chunks'] !== undefined) {
    if (isInteger(definition['chunks']) && definition['chunks'] >= 1) chunks = definition['chunks'];
    else report([...path, 'chunks'], 'must be an integer ≥ 1');
  }
  const reply = definition['reply'];
  if (reply !== undefined && typeof reply !== 'string') report([...path, 'reply'], 'must be a string');
  const faults: FaultRule[] = [];
  const faultsDefinition = definition['faults'];
  if (faultsDefinition !== undefined && faultsDefinition !== null) {
    if (!Array.isArray(faultsDefinition)) report([...path, 'faults'], 'must be a list of faults');
    else faultsDefinition.forEach((fault, index) => {
      const compiled = compileFault(fault, [...path, 'faults', index], report);
      if (compiled !== undefined) faults.push(compiled);
    });
  }
  return { latency, chunkLatency, chunks, faults, ...(typeof reply === 'string' ? { reply } : {}), ...compileAnswer(definition, path, report) };
}

/** `tool_calls`, `reasoning`, `refusal` and `json`: what the model answers beyond text. */
function compileAnswer(definition: Record<string, unknown>, path: Path, report: Report): Partial<ModelBehaviour> {
  const answer: { -readonly [K in keyof ModelBehaviour]?: ModelBehaviour[K] } = {};
  const toolCalls = definition['tool_calls'];
  if (toolCalls !== undefined) {
    if (!Array.isArray(toolCalls) || toolCalls.length === 0) report([...path, 'tool_calls'], 'must be a non-empty list of { name, arguments }');
    else {
      const calls: { name: string; arguments: unknown }[] = [];
      toolCalls.forEach((call, index) => {
        if (!isRecord(call) || typeof call['name'] !== 'string' || call['name'] === '') report([...path, 'tool_calls', index], 'a tool call needs a `name` (and optional `arguments`, an object)');
        else if (call['arguments'] !== undefined && !isRecord(call['arguments'])) report([...path, 'tool_calls', index, 'arguments'], 'must be a map');
        else calls.push({ name: call['name'], arguments: call['arguments'] ?? {} });
      });
      answer.toolCalls = calls;
    }
  }
  for (const key of ['reasoning', 'refusal'] as const) {
    const value = definition[key];
    if (value === undefined) continue;
    if (typeof value === 'string' && value !== '') answer[key] = value;
    else report([...path, key], 'must be a non-empty string');
  }
  const json = definition['json'];
  if (json !== undefined) {
    if (json === 'valid' || json === 'invalid' || json === 'malformed') answer.json = json;
    else report([...path, 'json'], `must be valid, invalid or malformed; got ${show(json)}`);
  }
  return answer;
}

function compileFault(definition: unknown, path: Path, report: Report): FaultRule | undefined {
  if (!isRecord(definition)) {
    report(path, 'a fault must be a map with a `type`');
    return undefined;
  }
  unknownKeys(definition, FAULT_KEYS, path, report);
  const type = definition['type'];
  if (typeof type !== 'string' || !FAULT_TYPES.has(type)) {
    report([...path, 'type'], `unknown fault type ${show(type)}; expected one of ${[...FAULT_TYPES].join(', ')}`);
    return undefined;
  }
  const provider = definition['provider'];
  if (provider !== undefined && !(DOCUMENTED_PROVIDERS as readonly unknown[]).includes(provider)) {
    report([...path, 'provider'], `unknown provider ${show(provider)}; expected one of ${DOCUMENTED_PROVIDERS.join(', ')}`);
  }
  let retryAfterSeconds: number | undefined;
  if (definition['retry_after'] !== undefined) {
    const ms = parseDuration(definition['retry_after']);
    if (ms === undefined) report([...path, 'retry_after'], `expected a duration like 2s, got ${show(definition['retry_after'])}`);
    else retryAfterSeconds = ms / 1000;
  }
  let afterChunks = type === 'cut_stream' ? 2 : 1;
  if (definition['after_chunks'] !== undefined) {
    if (isInteger(definition['after_chunks']) && definition['after_chunks'] >= 0) afterChunks = definition['after_chunks'];
    else report([...path, 'after_chunks'], 'must be an integer ≥ 0');
  }
  const when = compileWhen(definition['when'], [...path, 'when'], report);
  const midStream = definition['after_chunks'] !== undefined && !['cut_stream', 'filtered', 'truncated', 'no_terminator', 'malformed_json', 'reset'].includes(type);
  if (definition['after_chunks'] !== undefined && ['truncated', 'no_terminator', 'malformed_json', 'reset'].includes(type)) {
    report([...path, 'after_chunks'], `\`after_chunks\` does not apply to ${type}`);
  }
  return {
    type: type as SimulatorFaultType,
    when,
    afterChunks,
    midStream,
    ...(typeof provider === 'string' && (DOCUMENTED_PROVIDERS as readonly string[]).includes(provider)
      ? { provider: provider as DocumentedProvider }
      : {}),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

function compileWhen(definition: unknown, path: Path, report: Report): FaultWhen {
  if (definition === undefined || definition === null) return {};
  if (!isRecord(definition)) {
    report(path, 'must be a map: { first: N } | { every: N } | { probability: P } | { from: 10s, to: 40s }');
    return {};
  }
  unknownKeys(definition, WHEN_KEYS, path, report);
  const when: { -readonly [K in keyof FaultWhen]: FaultWhen[K] } = {};
  for (const key of ['first', 'every'] as const) {
    const value = definition[key];
    if (value === undefined) continue;
    if (isInteger(value) && value >= 1) when[key] = value;
    else report([...path, key], 'must be an integer ≥ 1');
  }
  const probability = definition['probability'];
  if (probability !== undefined) {
    if (typeof probability === 'number' && probability >= 0 && probability <= 1) when.probability = probability;
    else report([...path, 'probability'], `must be a number from 0 to 1, got ${show(probability)}`);
  }
  for (const [key, target] of [['from', 'fromMs'], ['to', 'toMs']] as const) {
    const value = definition[key];
    if (value === undefined) continue;
    const ms = parseDuration(value);
    if (ms === undefined) report([...path, key], `expected a duration like 10s, got ${show(value)}`);
    else when[target] = ms;
  }
  if (when.fromMs !== undefined && when.toMs !== undefined && when.toMs <= when.fromMs) {
    report([...path, 'to'], '`to` must be after `from`');
  }
  return when;
}

function unknownKeys(definition: Record<string, unknown>, allowed: ReadonlySet<string>, path: Path, report: Report): void {
  for (const key of Object.keys(definition)) {
    if (!allowed.has(key)) report([...path, key], `unknown key \`${key}\`; expected one of ${[...allowed].join(', ')}`, true);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}
