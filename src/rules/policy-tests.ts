/**
 * The runner behind `detour test`: each policy's `tests:` cases, `given`
 * facts (missing ones defaulted as the executor would) → `expect`ed rule,
 * action, next models and delay bounds; or, for route cases (`expect.route`
 * / `expect.primary`, or only `request.*` facts given), the plan's route,
 * primary and chain.
 *
 * The same path as the executor's: the session is planned from the request
 * facts and `random_seed` (else 0) with a fresh sticky store, and the
 * decision made on that plan; `state.cooling_down` names models cooling
 * down. A delay bound holds when the whole jitter window lies inside it.
 */
import path from 'node:path';
import { listPolicyFiles, loadPolicies } from '../policy/load.js';
import type { Diagnostic, Policy, PolicyTest } from '../policy/types.js';
import { decideDetailed } from './decide.js';
import { givenSession, isRequestOnly, normalizeGivenFacts } from './default-facts.js';
import { sessionDefaults } from './plan.js';
import { mulberry32 } from './random.js';

/** One case's result. */
export interface PolicyTestResult {
  readonly policy: string;
  readonly file: string | null;
  readonly test: string;
  readonly line: number | null;
  readonly kind: 'decision' | 'route';
  readonly passed: boolean;
  /** What differed, one entry per expectation that failed. */
  readonly problems: readonly string[];
}

const list = (models: readonly string[]): string => `[${models.join(', ')}]`;
const sameList = (left: readonly string[], right: readonly string[]): boolean =>
  left.length === right.length && left.every((item, index) => item === right[index]);

function isRouteTest(test: PolicyTest, given: Readonly<Record<string, unknown>>): boolean {
  return test.expect.route !== null || test.expect.primary !== null || isRequestOnly(given);
}

function runRouteTest(policy: Policy, test: PolicyTest, given: Readonly<Record<string, unknown>>): string[] {
  const { requestFacts, plan } = givenSession(policy, given);
  const named = sessionDefaults(policy, requestFacts).primary;
  const problems: string[] = [];
  const expect = test.expect;
  if (expect.route !== null && expect.route !== (plan.route ?? 'default')) {
    problems.push(`expected route ${expect.route}, got ${plan.route ?? 'default (no route matched)'}`);
  }
  if (expect.rule !== null && expect.rule !== (plan.route ?? 'default')) problems.push(`expected rule ${expect.rule}, got ${plan.route ?? 'default'}`);
  // A group may be expected by its name or by the member it resolved to.
  if (expect.primary !== null && expect.primary !== plan.primary && expect.primary !== named) {
    problems.push(`expected primary ${expect.primary}, got ${named === plan.primary ? plan.primary : `${named} (${plan.primary})`}`);
  }
  if (expect.next !== null && !sameList(expect.next, plan.chain)) problems.push(`expected chain ${list(expect.next)}, got ${list(plan.chain)}`);
  return problems;
}

function runDecisionTest(policy: Policy, test: PolicyTest, given: Readonly<Record<string, unknown>>): string[] {
  const session = givenSession(policy, given);
  const { decision, delay } = decideDetailed(policy, session.facts, { random: mulberry32(0), plan: session.plan, coolingDown: session.coolingDown, recentFailures: session.recentFailures, turn: session.turn, waitedMs: session.waitedMs });
  const problems: string[] = [];
  const expect = test.expect;
  if (expect.rule !== null && expect.rule !== decision.rule) problems.push(`expected rule ${expect.rule}, got ${decision.rule}`);
  if (expect.action !== null && expect.action !== decision.action) problems.push(`expected action ${expect.action}, got ${decision.action}`);
  if (expect.next !== null && !sameList(expect.next, decision.next)) problems.push(`expected next ${list(expect.next)}, got ${list(decision.next)}`);
  if (expect.delayMs) {
    const { min, max } = expect.delayMs;
    if ((min !== null && delay.minMs < min) || (max !== null && delay.maxMs > max)) {
      const range = delay.minMs === delay.maxMs ? `${delay.minMs}` : `${delay.minMs}..${delay.maxMs} (jitter window)`;
      problems.push(`expected delay_ms in ${min ?? 0}..${max ?? '∞'}, got ${range}`);
    }
  }
  if (expect.cooldownMs !== undefined && expect.cooldownMs !== null && expect.cooldownMs !== (decision.cooldownMs ?? 0)) {
    problems.push(`expected cooldown_ms ${expect.cooldownMs}, got ${decision.cooldownMs ?? 0}`);
  }
  if (expect.route !== null) problems.push('expect.route needs only request.* facts in given');
  return problems;
}

/**
 * Run one policy's tests.
 *
 * @example
 * const results = runPolicyTests(policy);
 * results.filter((result) => !result.passed).length; // 0
 */
export function runPolicyTests(policy: Policy): PolicyTestResult[] {
  return policy.tests.map((test) => {
    const given = normalizeGivenFacts(test.given);
    const kind = isRouteTest(test, given) ? 'route' : 'decision';
    let problems: string[];
    try {
      problems = kind === 'route' ? runRouteTest(policy, test, given) : runDecisionTest(policy, test, given);
    } catch (error) {
      problems = [`the case could not run: ${error instanceof Error ? error.message : String(error)}`];
    }
    return { policy: policy.name, file: policy.file, test: test.name, line: test.line, kind, passed: problems.length === 0, problems };
  });
}

/** What `detour test` found across files. */
export interface PolicyTestRun {
  readonly results: readonly PolicyTestResult[];
  /** Load errors of files that could not be tested (each counts as a failure). */
  readonly loadErrors: readonly Diagnostic[];
  /** Paths that do not exist. */
  readonly missing: readonly string[];
  readonly passed: number;
  readonly failed: number;
}

/**
 * Load every policy file under `paths` (files, or folders of `*.yaml`) and
 * run their tests.
 *
 * @example
 * const run = await runPolicyTestPaths(['policies']);
 * console.log(`${run.passed} passed, ${run.failed} failed`);
 */
export async function runPolicyTestPaths(paths: readonly string[]): Promise<PolicyTestRun> {
  const { files, missing } = await listPolicyFiles(paths);
  // Loaded as one set, as the executor would load them: two policies with one name fail here too.
  const loaded = await loadPolicies(files);
  const results: PolicyTestResult[] = [];
  const loadErrors: Diagnostic[] = [];
  let unloadable = 0;
  for (const { result } of loaded.files) {
    if (!result.policy) {
      unloadable += 1;
      loadErrors.push(...result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error'));
      continue;
    }
    results.push(...runPolicyTests(result.policy));
  }
  const passed = results.filter((result) => result.passed).length;
  return { results, loadErrors, missing, passed, failed: results.length - passed + unloadable };
}

/** `file:line: "name": problem; problem` for a failed case (file relative to `cwd`). */
export function formatTestFailure(result: PolicyTestResult, cwd: string = process.cwd()): string {
  const file = result.file ? path.relative(cwd, result.file) || result.file : `<${result.policy}>`;
  return `${file}:${result.line ?? 0}: ${result.policy} › "${result.test}": ${result.problems.join('; ')}`;
}
