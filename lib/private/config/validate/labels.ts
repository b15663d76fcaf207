/**
 * Labels (global and per runner) follow the patterns the runner enforces at start, and at most
 * 32 labels result from merging them; feature flag names; environment entries; output_limit units.
 */
import type { TomlValue } from '../schema-types';
import { redactAt } from '../secrets';
import { checkCredentialEntry } from './credential-entries';
import { childTable, Ctx, indexPath, intValue, isTable, isUnresolved, joinPath, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';

const LABEL_KEY = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{2,64}$/;
const LABEL_VALUE = /^[a-zA-Z0-9._-]{1,256}$/;
const MAX_LABELS = 32;

function checkLabels(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  if (!isTable(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const at = joinPath(path, key);
    if (!LABEL_KEY.test(key)) {
      ctx.error(
        at,
        `got the label name ${JSON.stringify(key)}, expected 3 to 65 characters of letters, digits, _ . - starting with a letter, digit or _ (^[a-zA-Z0-9_][a-zA-Z0-9._-]{2,64}$); the runner refuses to start. Fix: rename the label.`,
      );
    }
    const text = strValue(v);
    if (text !== undefined && !LABEL_VALUE.test(text)) {
      ctx.error(at, `got ${show(v, at)}, expected 1 to 256 characters of letters, digits, _ . - (^[a-zA-Z0-9._-]{1,256}$); the runner refuses to start. Fix: change the label value.`);
    }
  }
}

/** Global labels merged with each runner's labels must stay within 32. */
function checkLabelCount(visit: Visit, ctx: Ctx): void {
  const global = childTable(visit.root, 'labels');
  const own = childTable(visit.table, 'labels');
  const merged = new Set([...Object.keys(global ?? {}), ...Object.keys(own ?? {})]);
  if (merged.size > MAX_LABELS) {
    ctx.error(
      joinPath(visit.path, 'labels'),
      `the global and runner labels add up to ${merged.size}, more than the ${MAX_LABELS} the runner allows; it refuses to start. Fix: remove ${merged.size - MAX_LABELS} labels.`,
    );
  }
}

function checkFeatureFlags(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  if (!isTable(value)) return;
  for (const key of Object.keys(value)) {
    if (/^FF_[A-Z0-9_]+$/.test(key)) continue;
    const upper = key.toUpperCase().replace(/-/g, '_');
    const fix = /^FF_[A-Z0-9_]+$/.test(upper) ? `write ${upper}` : upper.startsWith('FF_') ? 'use the flag name from the feature flags page' : `write FF_${upper}`;
    ctx.warn(joinPath(path, key), `is not a feature flag name (FF_ followed by capitals, digits and _), so the runner ignores it. Fix: ${fix}.`);
  }
}

function checkEnvironment(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  if (!Array.isArray(value)) return;
  value.forEach((entry: TomlValue, i: number) => {
    const at = indexPath(path, i);
    if (typeof entry === 'string') checkCredentialEntry(entry, at, ctx, 'environment');
    if (typeof entry !== 'string' || isUnresolved(entry)) return;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(entry)) return;
    // `NAME: value`, `NAME = value`, or a capitalised `NAME value` (not `just text`, not a URL `https://...`).
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|:(?!\/\/))\s*(.*)$/.exec(entry) ?? /^\s*([A-Z_][A-Z0-9_]*)\s+(.*)$/.exec(entry);
    const fix = m ? `write ${JSON.stringify(redactAt(at, `${m[1]}=${m[2]}`))}` : 'write NAME=value';
    ctx.error(at, `got ${show(entry, at)}, expected NAME=value (a variable name, "=", then the value). Fix: ${fix}.`);
  });
}

/** `[[runners.docker.services]] environment`: the credential check of the runner's environment (its shape is the service's business). */
function checkServiceEnvironment(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  if (!Array.isArray(value)) return;
  value.forEach((entry: TomlValue, i: number) => {
    if (typeof entry === 'string') checkCredentialEntry(entry, indexPath(path, i), ctx, 'environment');
  });
}

/** output_limit is in kilobytes; values of a gigabyte or more usually were meant as bytes. */
function checkOutputLimit(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const kb = intValue(value);
  if (kb === undefined || kb < 1024 * 1024) return;
  ctx.warn(
    path,
    `is ${kb} kilobytes (${(kb / (1024 * 1024)).toFixed(1)} GiB of job log); output_limit is in kilobytes, not bytes. ` +
      `Fix: if you meant ${kb} bytes, write ${Math.max(1, Math.round(kb / 1024))}.`,
  );
}

export const labelRules: RuleSet = {
  keys: {
    '/labels': [checkLabels],
    'runners/labels': [checkLabels],
    'runners/feature_flags': [checkFeatureFlags],
    'runners/environment': [checkEnvironment],
    'runners.docker.services/environment': [checkServiceEnvironment],
    'runners/output_limit': [checkOutputLimit],
  },
  sections: {
    runners: [checkLabelCount],
  },
};
