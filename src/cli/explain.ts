/**
 * `detour explain --policy F --facts JSON [--format text|json]` (README.md, the command line):
 * which rule fires for these facts, the action, the next models, the delay,
 * and why the rules tried before it did not match. Facts left out are filled
 * as the executor would fill them; given only `request.*` facts it explains
 * the route and the plan. Deterministic: jitter off (the delay shown is the
 * top of the jitter window), random choices seeded with 0.
 * Exit 0; 1 when the policy does not load; 2 on usage errors, which include
 * facts with an unknown name, a value of the wrong type, or a model that is
 * not in the policy's catalog (see factsCheck.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { loadPolicyFile } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import { KNOWN_FACTS } from '../policy/vocabulary.js';
import { isPlainObject } from '../rules/facts.js';
import { normalizeGivenFacts } from '../rules/default-facts.js';
import { explain } from '../rules/explain.js';
import type { DecisionExplanation, Explanation, PlanExplanation, RuleMiss } from '../rules/explain.js';
import { checkGivenFacts } from './factsCheck.js';

export type ExplainFormat = 'text' | 'json';

/** The `--format json` document: the documented keys first, then detail. */
export function explanationJson(policy: Policy, explanation: Explanation): Record<string, unknown> {
  const misses = (list: readonly RuleMiss[]) => list.map((miss) => ({ rule: miss.name, source: miss.source, line: miss.line, why: miss.why }));
  if (explanation.mode === 'plan') {
    const { plan } = explanation;
    return {
      policy: policy.name,
      version: policy.version,
      rule: plan.route ?? 'default',
      source: plan.route === null ? 'default' : 'rule',
      action: 'plan',
      next: plan.chain,
      delay_ms: 0,
      route: plan.route,
      primary: plan.primary,
      primary_name: explanation.primaryName,
      chain: plan.chain,
      max_attempts: plan.maxAttempts,
      strategy: plan.strategy,
      group_choices: plan.groupChoices,
      calls: explanation.calls,
      random_seed: plan.seed,
      not_matched: misses(explanation.notMatched),
      not_matched_count: explanation.notMatchedCount,
    };
  }
  const { decision } = explanation;
  return {
    policy: policy.name,
    version: policy.version,
    rule: decision.rule,
    source: decision.source,
    action: decision.action,
    next: decision.next,
    delay_ms: decision.delayMs,
    delay_window_ms: { min: explanation.delay.minMs, max: explanation.delay.maxMs },
    delay_reason: explanation.delay.reason,
    cooldown_ms: decision.cooldownMs,
    strategy: decision.strategy,
    explanation: decision.explanation,
    line: explanation.ruleLine,
    not_matched: misses(explanation.notMatched),
    not_matched_count: explanation.notMatchedCount,
    defaulted: explanation.defaulted,
  };
}

function missLines(list: readonly RuleMiss[], count: number): string[] {
  if (count === 0) return [];
  const lines = [`tried first, did not match${count > list.length ? ` (first ${list.length} of ${count})` : ''}:`];
  for (const miss of list) lines.push(`  ${miss.name}${miss.line === null ? '' : ` (line ${miss.line})`}: ${miss.why}`);
  return lines;
}

function planText(policy: Policy, explanation: PlanExplanation): string[] {
  const { plan } = explanation;
  const primary = explanation.primaryName === plan.primary ? plan.primary : `${plan.primary} (picked from group ${explanation.primaryName}, seed ${plan.seed})`;
  return [
    `policy ${policy.name} (version ${policy.version})`,
    plan.route === null ? 'route: none matched, the policy default plan' : `route: ${plan.route}${explanation.routeLine === null ? '' : ` (line ${explanation.routeLine})`}`,
    `primary: ${primary}`,
    `then: ${plan.chain.length === 0 ? 'nothing' : plan.chain.join(', ')}`,
    `max attempts: ${plan.maxAttempts}, strategy: ${plan.strategy}`,
    ...(explanation.calls[0] === plan.primary ? [] : [`cooling down: the session calls ${explanation.calls.join(', ')} in that order`]),
    ...missLines(explanation.notMatched, explanation.notMatchedCount),
  ];
}

function decisionText(policy: Policy, explanation: DecisionExplanation): string[] {
  const { decision, delay } = explanation;
  const where = [explanation.ruleLine === null ? null : `line ${explanation.ruleLine}`, explanation.rulePriority === null ? null : `priority ${explanation.rulePriority}`]
    .filter((part) => part !== null)
    .join(', ');
  const window = delay.minMs === delay.maxMs ? '' : ` (jitter window ${delay.minMs}..${delay.maxMs} ms; the top is shown)`;
  return [
    `policy ${policy.name} (version ${policy.version})`,
    `rule: ${decision.rule} [${decision.source}]${where ? ` (${where})` : ''}`,
    `action: ${decision.action}`,
    `next: ${decision.next.length === 0 ? 'nothing' : decision.next.join(', ')}${decision.strategy === 'parallel' ? ' (in parallel)' : ''}`,
    `delay: ${decision.delayMs} ms${decision.action === 'fail' ? '' : `, ${delay.reason}`}${window}`,
    ...(decision.cooldownMs === null ? [] : [`cooldown: ${decision.cooldownMs} ms`]),
    `why: ${decision.explanation}`,
    ...missLines(explanation.notMatched, explanation.notMatchedCount),
    ...(explanation.defaulted.length === 0 ? [] : [`defaulted: ${explanation.defaulted.map((name) => `${name}=${JSON.stringify(explanation.facts[name])}`).join(', ')}`]),
  ];
}

/** Parse `--facts`: a JSON object, or `@file` holding one. Throws a usage message. */
export async function parseFactsArgument(text: string): Promise<Record<string, unknown>> {
  const source = text.startsWith('@') ? await readFile(text.slice(1), 'utf8').catch(() => null) : text;
  if (source === null) throw new Error(`cannot read facts file ${text.slice(1)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    throw new Error(`--facts is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlainObject(parsed)) throw new Error('--facts must be a JSON object, e.g. {"error.kind":"rate_limit"}');
  return normalizeGivenFacts(parsed);
}

/**
 * Run `detour explain`; returns the exit code and what to print.
 *
 * @example
 * const { exitCode, output } = await explainCommand('policies/rules-hedge.yaml', '{"error.kind":"token_limit"}', 'json');
 */
export async function explainCommand(file: string, factsText: string, format: ExplainFormat): Promise<{ exitCode: 0 | 1 | 2; output: string; errorOutput: string }> {
  let facts: Record<string, unknown>;
  try {
    facts = await parseFactsArgument(factsText);
  } catch (error) {
    return { exitCode: 2, output: '', errorOutput: `detour explain: ${error instanceof Error ? error.message : String(error)}\n` };
  }
  const usage = (message: string) => ({ exitCode: 2 as const, output: '', errorOutput: `detour explain: ${message}\n` });
  const typo = checkGivenFacts(facts, null);
  if (typo !== null) return usage(`--facts: ${typo}`);
  if ((await stat(file).catch(() => null))?.isDirectory() === true) return usage(`--policy takes one policy file; ${file} is a folder`);
  const loaded = await loadPolicyFile(file);
  if (!loaded.policy) {
    const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    return { exitCode: 1, output: '', errorOutput: errors.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.message}\n`).join('') };
  }
  const policy = loaded.policy;
  const unknownModel = checkGivenFacts(facts, policy);
  if (unknownModel !== null) return usage(`--facts: ${unknownModel}`);
  const explanation = await explain(policy, facts);
  if (format === 'json') return { exitCode: 0, output: `${JSON.stringify(explanationJson(policy, explanation))}\n`, errorOutput: '' };
  const lines = explanation.mode === 'plan' ? planText(policy, explanation) : decisionText(policy, explanation);
  return { exitCode: 0, output: `${lines.join('\n')}\n`, errorOutput: '' };
}

/** The facts `--facts` may give, one line per prefix, for `detour explain --help`. */
function factsHelpText(): string {
  const prefixes = [...new Set(KNOWN_FACTS.map((name) => name.split('.')[0]!))];
  const lines: string[] = [];
  for (const prefix of prefixes) {
    let line = ' ';
    for (const name of KNOWN_FACTS.filter((fact) => fact.startsWith(`${prefix}.`))) {
      if (line.length + name.length > 78) {
        lines.push(line);
        line = ' ';
      }
      line += ` ${name}`;
    }
    lines.push(line);
  }
  return [
    '',
    'Facts (dotted, or nested: {"error":{"kind":"timeout"}}):',
    ...lines,
    '  request.metadata.<key>',
    'Given only request.* facts, it explains the route and the plan. Facts left out',
    'are filled as the executor would fill them (listed under "defaulted").',
    '',
  ].join('\n');
}

const factsHelp = factsHelpText();

/** Register `detour explain` on the program. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('Show which rule fires for some facts, the action, the next models, the delay, and why')
    .requiredOption('--policy <file>', 'the policy file')
    .requiredOption('--facts <json>', 'facts as JSON, e.g. \'{"error.kind":"rate_limit","error.status":429}\' (or @file)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', factsHelp)
    .action(async (options: { policy: string; facts: string; format: ExplainFormat }) => {
      const { exitCode, output, errorOutput } = await explainCommand(options.policy, options.facts, options.format);
      process.stderr.write(errorOutput);
      process.stdout.write(output);
      process.exitCode = exitCode;
    });
}
