/**
 * Checks on routes, rules, tests and strategy settings beyond the schema:
 * unique names, one action per rule, conditions, shadowed rules, and tests
 * that name real facts, models, rules and routes, with values of each fact's
 * type.
 */
import { escapePointerSegment } from './diagnostics.js';
import { alwaysHolds, checkCondition, checkStrategyCondition, neverHolds } from './conditions.js';
import { conditionVocabulary, covers, kindsOf } from './conditionValues.js';
import type { ConditionVocabulary } from './conditionValues.js';
import { checkFactValue, describeFactValueMismatch, sessionGivenProblem } from './factValues.js';
import { didYouMean } from './suggest.js';
import { KNOWN_FACTS, isKnownFact, isRequestFact } from './vocabulary.js';
import { parseDuration } from './duration.js';
import type { ModelNames } from './references.js';
import type { CheckReporter } from './report.js';
import type { RawPolicy } from './raw.js';

function checkUniqueNames(kind: string, section: string, items: readonly { name: string }[], reporter: CheckReporter): void {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const earlier = first.get(item.name);
    if (earlier === undefined) {
      first.set(item.name, index);
      return;
    }
    const line = reporter.source.locate(`/${section}/${earlier}/name`).line;
    reporter.report({
      pointer: `/${section}/${index}/name`,
      check: 'duplicate',
      message: `${kind} name \`${item.name}\` is already used on line ${line}: give each ${kind} its own name`,
    });
  });
}

function checkRules(raw: RawPolicy, vocabulary: ConditionVocabulary, reporter: CheckReporter): void {
  const rules = raw.rules ?? [];
  checkUniqueNames('rule', 'rules', rules, reporter);
  rules.forEach((rule, index) => {
    const pointer = `/rules/${index}`;
    checkCondition(rule.when, `${pointer}/when`, 'rule', reporter, true, { vocabulary, owner: `rule \`${rule.name}\`` });
    const kinds = kindsOf(rule.when);
    if (kinds !== null && kinds.length > 0 && kinds.every((kind) => kind === 'aborted')) {
      reporter.report({
        pointer: `${pointer}/when`,
        target: 'key',
        severity: 'warning',
        check: 'rule',
        message: `rule \`${rule.name}\` can never fire: a session the caller aborted ends before any rule is read`,
      });
    }
    const actions = (['fallback', 'retry', 'fail'] as const).filter((action) => rule.then[action] !== undefined);
    if (actions.length === 0) {
      reporter.report({
        pointer: `${pointer}/then`,
        target: 'key',
        check: 'rule',
        message: 'a rule takes exactly one action: add `fallback: [models]`, `retry: { times }` or `fail: true`',
      });
    } else if (actions.length > 1) {
      reporter.report({
        pointer: `${pointer}/then/${actions[1] ?? ''}`,
        target: 'key',
        check: 'rule',
        message: `a rule takes exactly one action, and this one has both \`${actions[0] ?? ''}\` and \`${actions[1] ?? ''}\`: keep one`,
      });
    }
    if (neverHolds(rule.when)) {
      reporter.report({
        pointer: `${pointer}/when`,
        target: 'key',
        severity: 'warning',
        check: 'rule',
        message: `rule \`${rule.name}\` can never fire: its condition never holds (an empty \`any\`)`,
      });
    }
  });
  // Evaluation order: priority (higher first), then file order. An earlier catch-all decides every failure.
  const order = rules
    .map((rule, index) => ({ rule, index, priority: rule.priority ?? 1 }))
    .sort((left, right) => right.priority - left.priority || left.index - right.index);
  // A later rule whose every failure an earlier rule (not a retry, which stops matching) already takes.
  order.forEach((entry, position) => {
    const earlier = order.slice(0, position).find((candidate) => candidate.rule.then.retry === undefined && !alwaysHolds(candidate.rule.when) && covers(candidate.rule.when, entry.rule.when));
    if (earlier === undefined) return;
    const line = reporter.source.locate(`/rules/${earlier.index}`).line;
    reporter.report({
      pointer: `/rules/${entry.index}/name`,
      severity: 'warning',
      check: 'rule',
      message: `rule \`${entry.rule.name}\` can never fire: \`${earlier.rule.name}\` (line ${line}) matches every failure it matches and runs first; give this rule a higher priority or remove it`,
    });
  });
  const catchAll = order.find((entry) => alwaysHolds(entry.rule.when));
  if (!catchAll) return;
  for (const entry of order.slice(order.indexOf(catchAll) + 1)) {
    const line = reporter.source.locate(`/rules/${catchAll.index}`).line;
    reporter.report({
      pointer: `/rules/${entry.index}/name`,
      severity: 'warning',
      check: 'rule',
      message: `rule \`${entry.rule.name}\` can never fire: \`${catchAll.rule.name}\` (line ${line}) matches every failure and runs first; give this rule a higher priority or remove it`,
    });
  }
}

function checkRoutes(raw: RawPolicy, vocabulary: ConditionVocabulary, reporter: CheckReporter): void {
  const routes = raw.routes ?? [];
  checkUniqueNames('route', 'routes', routes, reporter);
  routes.forEach((route, index) => checkCondition(route.when, `/routes/${index}/when`, 'route', reporter, true, { vocabulary, owner: `route \`${route.name}\`` }));
  const catchAll = routes.findIndex((route) => alwaysHolds(route.when));
  if (catchAll < 0) return;
  routes.slice(catchAll + 1).forEach((route, offset) => {
    reporter.report({
      pointer: `/routes/${catchAll + 1 + offset}/name`,
      severity: 'warning',
      check: 'rule',
      message: `route \`${route.name}\` can never match: \`${routes[catchAll]?.name ?? ''}\` before it matches every request`,
    });
  });
}

function checkTests(raw: RawPolicy, names: ModelNames, reporter: CheckReporter): void {
  const tests = raw.tests ?? [];
  checkUniqueNames('test', 'tests', tests, reporter);
  const ruleNames = new Set((raw.rules ?? []).map((rule) => rule.name));
  const routeNames = new Set((raw.routes ?? []).map((route) => route.name));
  tests.forEach((test, index) => {
    const pointer = `/tests/${index}`;
    for (const [fact, value] of Object.entries(test.given)) {
      const factPointer = `${pointer}/given/${escapePointerSegment(fact)}`;
      const sessionProblem = sessionGivenProblem(fact, value);
      if (sessionProblem !== undefined) {
        if (sessionProblem !== null) reporter.report({ pointer: factPointer, check: 'rule', message: sessionProblem });
        else if (fact === 'state.cooling_down') {
          if (Array.isArray(value)) value.forEach((model, position) => names.require(model as string, `${factPointer}/${position}`));
          else for (const model of Object.keys(value as object)) names.require(model, `${factPointer}/${escapePointerSegment(model)}`);
        }
        continue;
      }
      if (!isKnownFact(fact)) {
        reporter.report({
          pointer: factPointer,
          target: 'key',
          check: 'rule',
          message: `unknown fact \`${fact}\` in \`given\`.${didYouMean(fact, KNOWN_FACTS)}`,
        });
        continue;
      }
      const mismatch = checkFactValue(fact, value);
      if (mismatch !== null) {
        reporter.report({
          pointer: mismatch.item === undefined ? factPointer : `${factPointer}/${mismatch.item}`,
          check: 'rule',
          message: describeFactValueMismatch(fact, value, mismatch),
        });
      } else if (fact === 'attempt.model' && typeof value === 'string') {
        names.require(value, factPointer);
      } else if (fact === 'session.tried' && Array.isArray(value)) {
        value.forEach((model, position) => {
          if (typeof model === 'string') names.require(model, `${factPointer}/${position}`);
        });
      }
    }
    const expect = test.expect;
    expect.next?.forEach((model, position) => names.require(model, `${pointer}/expect/next/${position}`));
    if (expect.primary !== undefined) names.require(expect.primary, `${pointer}/expect/primary`);
    if (expect.rule !== undefined && !expect.rule.includes(':') && !ruleNames.has(expect.rule)) {
      reporter.report({
        pointer: `${pointer}/expect/rule`,
        check: 'reference',
        message: `no rule named \`${expect.rule}\` in this policy (strategy decisions are named like \`strategy:sequential\`).${didYouMean(expect.rule, ruleNames)}`,
      });
    }
    // `default` is what the runner reports when no route matched.
    if (expect.route !== undefined && expect.route !== 'default' && !routeNames.has(expect.route)) {
      reporter.report({
        pointer: `${pointer}/expect/route`,
        check: 'reference',
        message: `no route named \`${expect.route}\` in this policy.${didYouMean(expect.route, routeNames)}`,
      });
    }
  });
}

function checkStrategy(raw: RawPolicy, vocabulary: ConditionVocabulary, reporter: CheckReporter): void {
  raw.conditions?.forEach((condition, index) => {
    if (typeof condition !== 'string') checkStrategyCondition(condition, `/conditions/${index}`, reporter, { vocabulary, owner: '`conditions`' });
  });
  const strategy = raw.strategy_type ?? 'sequential';
  const mappings = Object.keys(raw.error_mappings ?? {});
  if ((strategy === 'error_type' || strategy === 'priority') && mappings.length === 0) {
    reporter.report({
      pointer: '/strategy_type',
      severity: 'warning',
      check: 'rule',
      message: `strategy \`${strategy}\` uses \`error_mappings\`, and there are none`,
    });
  }
  if (strategy === 'conditional' && (raw.conditions ?? []).length === 0) {
    reporter.report({
      pointer: '/strategy_type',
      severity: 'warning',
      check: 'rule',
      message: 'strategy `conditional` falls back only when one of `conditions` holds, and there are none: no failure will fall back',
    });
  }
  const baseDelay = parseDuration(raw.base_delay ?? 1) ?? 0;
  const maxDelay = parseDuration(raw.max_delay ?? 60) ?? 0;
  if (baseDelay > maxDelay) {
    reporter.report({
      pointer: '/base_delay',
      severity: 'warning',
      check: 'rule',
      message: `base_delay is longer than max_delay, so every delay is max_delay`,
    });
  }
  const sticky = raw.groups;
  for (const [name, group] of Object.entries(sticky ?? {})) {
    if (group.sticky !== undefined && !isRequestFact(group.sticky.key)) {
      reporter.report({
        pointer: `/groups/${escapePointerSegment(name)}/sticky/key`,
        check: 'rule',
        message: `sticky \`key\` must be a request fact such as request.metadata.user_id; \`${group.sticky.key}\` is not`,
      });
    }
  }
}

/** Every check beyond the schema and model references. */
export function checkRulesAndTests(raw: RawPolicy, names: ModelNames, reporter: CheckReporter): void {
  const vocabulary = conditionVocabulary(raw);
  checkRoutes(raw, vocabulary, reporter);
  checkRules(raw, vocabulary, reporter);
  checkStrategy(raw, vocabulary, reporter);
  checkTests(raw, names, reporter);
}
