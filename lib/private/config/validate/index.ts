/**
 * Validation of the config.toml data tree (keys in TOML spelling, as smol-toml parses it).
 *
 * Walks the tree in document order. For each table: every key in order (unknown / removed /
 * deprecated key, type and range, enum, then the key's value rules), recursing into child
 * tables where the key appears; then the section's rules (required keys, combinations).
 * Values that are unresolved references are never checked. The result is deterministic.
 */
import type { Diagnostic } from '../../../errors';
import { SECTIONS } from '../schema.generated';
import { scrubSecrets } from '../secrets';
import type { TomlTable, TomlValue } from '../schema-types';
import { autoscalerRules } from './autoscaler';
import { cacheRules } from './cache';
import { consistencyRules } from './consistency';
import { Ctx, has, indexPath, isTable, isUnresolved, joinPath, keysOf, sectionHeader, sectionSpec, Visit } from './context';
import { cronRules } from './cron';
import { dockerRules } from './docker';
import { checkEnum, enumOf } from './enums';
import { executorRules } from './executors';
import { labelRules } from './labels';
import { machineRules } from './machine';
import type { KeyRule, RuleSet, SectionRule } from './rule-types';
import { timezoneRules } from './timezone';
import { tokenRules } from './tokens';
import { checkType, quickTypeOk } from './types';
import { checkRetiredKey, checkUnknownKey } from './unknown-keys';
import { urlRules } from './urls';

export { checkRegistrationSettings, redact, tokenKind, type TokenKind } from './tokens';
export { checkStopTimeout } from './consistency';

/** Rule files, in the order their rules run for a key or section. Exported for tests. */
export const RULE_SETS: readonly RuleSet[] = [
  tokenRules,
  urlRules,
  executorRules,
  dockerRules,
  labelRules,
  machineRules,
  cronRules,
  timezoneRules,
  cacheRules,
  autoscalerRules,
  consistencyRules,
];

const KEY_RULES = new Map<string, KeyRule[]>();
const SECTION_RULES = new Map<string, SectionRule[]>();
for (const set of RULE_SETS) {
  for (const [k, rules] of Object.entries(set.keys ?? {})) KEY_RULES.set(k, [...(KEY_RULES.get(k) ?? []), ...rules]);
  for (const [k, rules] of Object.entries(set.sections ?? {})) SECTION_RULES.set(k, [...(SECTION_RULES.get(k) ?? []), ...rules]);
}

/** Key rules by section, then key (avoids building `section/key` strings in the walk). */
const RULES_BY_SECTION = new Map<string, Map<string, readonly KeyRule[]>>();
for (const [id, rules] of KEY_RULES) {
  const cut = id.lastIndexOf('/');
  const section = id.slice(0, cut);
  if (!RULES_BY_SECTION.has(section)) RULES_BY_SECTION.set(section, new Map());
  RULES_BY_SECTION.get(section)?.set(id.slice(cut + 1), rules);
}

/** Hints for required keys, shown in the "missing" message. */
const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  'runners/url': 'the GitLab instance URL, e.g. "https://gitlab.example.com"',
  'runners/token': 'the runner authentication token, glrt-..., of the runner created in GitLab',
  'runners/executor': 'the executor, e.g. "docker+machine" or "docker-autoscaler"',
  'runners.docker.services/name': 'the service image, e.g. "postgres:16"',
  'runners.custom/run_exec': 'the executable that runs each job stage',
};

const REQUIRED = new Map(SECTIONS.map((s) => [s.name, s.keys.filter((k) => k.required)]));

/** Required keys whose empty value has its own, more specific message (urls.ts, tokens.ts, enums.ts). */
const EMPTY_CHECKED_ELSEWHERE = new Set(['runners/url', 'runners/token', 'runners/executor']);

function checkRequired(visit: Visit, ctx: Ctx): void {
  for (const spec of REQUIRED.get(visit.section.name) ?? []) {
    const id = `${visit.section.name}/${spec.key}`;
    const present = has(visit.table, spec.key);
    if (present && (visit.table[spec.key] !== '' || EMPTY_CHECKED_ELSEWHERE.has(id))) continue;
    const hint = REQUIRED_HINTS[id] ?? spec.doc;
    ctx.error(
      joinPath(visit.path, spec.key),
      `got ${present ? '""' : 'nothing'}, but ${sectionHeader(visit.section.name)} needs ${spec.key} (${hint}). Fix: set ${spec.key}.`,
    );
  }
}

function walkTable(visit: Visit, ctx: Ctx): void {
  const sectionName = visit.section.name;
  if (visit.section.freeForm) return;
  const sectionRules = RULES_BY_SECTION.get(sectionName);
  const specs = keysOf(sectionName);
  const table = visit.table;
  for (const key in table) {
    const value = table[key];
    const spec = specs?.get(key);
    if (!spec) {
      checkUnknownKey(key, value, joinPath(visit.path, key), visit, ctx);
      continue;
    }
    if ((spec.removed || spec.deprecated) && !checkRetiredKey(spec, value, joinPath(visit.path, key), ctx)) continue;
    // Paths are built only where needed: most keys are well-typed scalars without rules.
    const quick = quickTypeOk(value, sectionName, spec, table);
    const rules = sectionRules?.get(key);
    const nested = spec.type === 'table' || spec.type === 'table[]';
    if (quick && !rules && !nested && enumOf(sectionName, spec) === undefined && !isUnresolvedCandidate(value)) continue;
    const path = joinPath(visit.path, key);
    if (!quick && !checkType(value, path, sectionName, spec, ctx, table)) continue;
    if (isUnresolved(value)) continue;
    checkEnum(value, path, sectionName, spec, ctx);
    if (rules) for (const rule of rules) rule(value, path, visit, ctx);
    if (spec.type === 'table' && spec.section && isTable(value)) {
      walkTable(child(visit, spec.section, value, path), ctx);
    } else if (spec.type === 'table[]' && spec.section && Array.isArray(value)) {
      value.forEach((entry: TomlValue, i: number) => {
        if (isTable(entry)) walkTable(child(visit, spec.section as string, entry, indexPath(path, i)), ctx);
      });
    }
  }
  checkRequired(visit, ctx);
  for (const rule of SECTION_RULES.get(sectionName) ?? NO_SECTION_RULES) rule(visit, ctx);
}

const NO_SECTION_RULES: readonly SectionRule[] = [];

/**
 * Strings and arrays that might hold a deploy-time reference: the walk must not skip them before
 * the unresolved check (which ends the checks for the key), so that behaviour does not depend on
 * the fast path. Cheap: see `isUnresolved` in context.ts.
 */
function isUnresolvedCandidate(value: TomlValue): boolean {
  return (typeof value === 'string' && value.includes('{')) || (Array.isArray(value) && value.length === 1);
}

function child(parent: Visit, section: string, table: TomlTable, path: string): Visit {
  const isRunner = section === 'runners';
  return {
    section: sectionSpec(section),
    table,
    path,
    root: parent.root,
    runner: isRunner ? table : parent.runner,
    runnerPath: isRunner ? path : parent.runnerPath,
  };
}

export interface ValidateOptions {
  /**
   * Run the secret safety net (`scrubSecrets`) over the messages. Only tests turn it off, to check
   * that the messages themselves never contain a secret.
   * @default true
   */
  readonly scrub?: boolean;
}

/**
 * Every error and warning for a config.toml data tree, in document order.
 * `data` is the TOML-keyed tree (global keys, `runners` array of tables, ...).
 * No message contains a secret value (see secrets.ts).
 */
export function validateConfig(data: TomlTable, options: ValidateOptions = {}): Diagnostic[] {
  const ctx = new Ctx();
  walkTable({ section: sectionSpec(''), table: data, path: '', root: data }, ctx);
  return options.scrub === false ? ctx.diagnostics : scrubSecrets(ctx.diagnostics, data);
}
