/**
 * Cron periods. Two dialects that must not be mixed:
 * - docker+machine `[[runners.machine.autoscaling]] Periods`: gorhill/cronexpr with exactly 7
 *   fields (second minute hour day-of-month month day-of-week year). cronexpr itself accepts 5 or 6
 *   fields, but then second = 0 (active one second per minute, since the runner treats a period as
 *   active while the next match is < 1 s away) or the 6th field is read as the year.
 * - docker-autoscaler `[[runners.autoscaler.policy]] periods`: 5-field unix cron
 *   (minute hour day-of-month month day-of-week), no seconds, no year, no L / W / #.
 */
import type { TomlValue } from '../schema-types';
import { Ctx, indexPath, isUnresolved, show, Visit } from './context';
import type { RuleSet } from './rule-types';

export type CronDialect = 'cronexpr' | 'unix';

interface FieldDef {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
  readonly kind?: 'dom' | 'dow' | 'year';
  /** Allowed values in words, for messages. */
  readonly allowed: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_LONG = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAYS_LONG = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function nameMap(short: readonly string[], long: readonly string[] | undefined, first: number): Record<string, number> {
  const map: Record<string, number> = {};
  short.forEach((n, i) => (map[n] = i + first));
  long?.forEach((n, i) => (map[n] = i + first));
  return map;
}

const SECOND: FieldDef = { name: 'second', min: 0, max: 59, allowed: '0-59' };
const MINUTE: FieldDef = { name: 'minute', min: 0, max: 59, allowed: '0-59' };
const HOUR: FieldDef = { name: 'hour', min: 0, max: 23, allowed: '0-23' };
const YEAR: FieldDef = { name: 'year', min: 1970, max: 2099, kind: 'year', allowed: '1970-2099' };

const CRONEXPR_FIELDS = buildFields('cronexpr');
const UNIX_FIELDS = buildFields('unix');

function fieldsOf(dialect: CronDialect): readonly FieldDef[] {
  return dialect === 'cronexpr' ? CRONEXPR_FIELDS : UNIX_FIELDS;
}

function buildFields(dialect: CronDialect): readonly FieldDef[] {
  if (dialect === 'cronexpr') {
    return [
      SECOND,
      MINUTE,
      HOUR,
      { name: 'day-of-month', min: 1, max: 31, kind: 'dom', allowed: '1-31, L, LW, 15W' },
      { name: 'month', min: 1, max: 12, names: nameMap(MONTHS, MONTHS_LONG, 1), allowed: '1-12 or jan-dec' },
      // cronexpr also reads 7 as Sunday
      { name: 'day-of-week', min: 0, max: 7, names: nameMap(DAYS, DAYS_LONG, 0), kind: 'dow', allowed: '0-6 or sun-sat, 5L, 5#3' },
      YEAR,
    ];
  }
  return [
    MINUTE,
    HOUR,
    { name: 'day-of-month', min: 1, max: 31, allowed: '1-31' },
    { name: 'month', min: 1, max: 12, names: nameMap(MONTHS, undefined, 1), allowed: '1-12 or jan-dec' },
    { name: 'day-of-week', min: 0, max: 6, names: nameMap(DAYS, undefined, 0), allowed: '0-6 or sun-sat' },
  ];
}

const FIELD_NAMES_7 = 'second minute hour day-of-month month day-of-week year';
const FIELD_NAMES_5 = 'minute hour day-of-month month day-of-week';

/** Parses one value token of a field; returns the number or a problem text. */
function parseValue(token: string, def: FieldDef): number | string {
  const lower = token.toLowerCase();
  if (def.names && Object.prototype.hasOwnProperty.call(def.names, lower)) return def.names[lower];
  const digits = def.kind === 'year' ? /^\d{4}$/ : /^\d{1,2}$/;
  if (!digits.test(token)) return `"${token}" is not a valid value`;
  const n = Number(token);
  if (n < def.min || n > def.max) return `${n} is out of range`;
  return n;
}

/** A problem and, when one is obvious, the corrected entry. */
interface EntryProblem {
  readonly problem: string;
  readonly fix?: string;
}

/** The problem with one comma-separated entry of a field, or undefined when it is valid. */
function checkEntry(entry: string, def: FieldDef, dialect: CronDialect): string | EntryProblem | undefined {
  if (entry === '') return 'an empty list entry';
  if (entry === '*' || entry === '?') return undefined;
  if (dialect === 'cronexpr' && def.kind === 'dom' && /^(l|lw|\d{1,2}w)$/i.test(entry)) {
    if (/w$/i.test(entry) && !/^lw$/i.test(entry)) {
      const v = parseValue(entry.slice(0, -1), def);
      return typeof v === 'string' ? v : undefined;
    }
    return undefined;
  }
  if (dialect === 'cronexpr' && def.kind === 'dow') {
    const last = /^(.+)l$/i.exec(entry);
    const nth = /^(.+)#(.+)$/.exec(entry);
    if (last && !DAYS_LONG.includes(entry.toLowerCase())) {
      const v = parseValue(last[1], def);
      return typeof v === 'string' ? v : undefined;
    }
    if (nth) {
      const v = parseValue(nth[1], def);
      if (typeof v === 'string') return v;
      return /^[1-5]$/.test(nth[2]) ? undefined : `"#${nth[2]}" is not a week number 1-5`;
    }
  }
  const m = /^([^/-]+|\*)(?:-([^/]+))?(?:\/(.+))?$/.exec(entry);
  if (!m) return `"${entry}" is not a value, range (a-b) or step (*/n)`;
  const [, startText, endText, stepText] = m;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > Math.min(59, def.max - def.min + 1)) {
      return `step "/${stepText}" must be a number from 1 to ${Math.min(59, def.max - def.min + 1)}`;
    }
  }
  if (startText === '*') return endText === undefined ? undefined : `"${entry}" is not a value, range (a-b) or step (*/n)`;
  const start = parseValue(startText, def);
  if (typeof start === 'string') return start;
  if (endText === undefined) return undefined;
  const end = parseValue(endText, def);
  if (typeof end === 'string') return end;
  if (start > end) {
    const named = /^[a-z]/i.test(startText);
    const last = def.kind === 'dow' ? (named ? 'sat' : '6') : String(def.max);
    const first = def.kind === 'dow' ? (named ? 'sun' : '0') : String(def.min);
    const wrap = `${startText}-${last},${first}-${endText}`;
    return { problem: `the range "${startText}-${endText}" runs backwards and matches nothing`, fix: stepText === undefined ? wrap : undefined };
  }
  return undefined;
}

/** The first problem of a field (with the corrected field when every bad entry has a fix), or undefined. */
function checkField(field: string, def: FieldDef, dialect: CronDialect): EntryProblem | undefined {
  let first: string | undefined;
  let fixable = true;
  const fixed = field.split(',').map((entry) => {
    const found = checkEntry(entry, def, dialect);
    if (found === undefined) return entry;
    const p = typeof found === 'string' ? { problem: found } : found;
    first ??= p.problem;
    if (p.fix === undefined) fixable = false;
    return p.fix ?? entry;
  });
  if (first === undefined) return undefined;
  return { problem: first, fix: fixable ? fixed.join(',') : undefined };
}

interface FieldsResult {
  readonly problems: string[];
  /** The corrected expression, when every problem has an obvious fix. */
  readonly fix?: string;
}

/** Problems of a whole expression whose field count is right. */
function checkFields(fields: readonly string[], dialect: CronDialect): FieldsResult {
  const defs = fieldsOf(dialect);
  const problems: string[] = [];
  let fixable = true;
  const fixed = fields.map((field, i) => {
    const found = checkField(field, defs[i], dialect);
    if (!found) return field;
    problems.push(`${defs[i].name} field "${field}": ${found.problem} (allowed: ${defs[i].allowed})`);
    if (found.fix === undefined) fixable = false;
    return found.fix ?? field;
  });
  return { problems, fix: problems.length > 0 && fixable ? fixed.join(' ') : undefined };
}

function fieldsFix(result: FieldsResult): string {
  if (result.fix !== undefined) return `write ${JSON.stringify(result.fix)}`;
  return `correct the ${result.problems.length === 1 ? 'field' : 'fields'} as described`;
}

function looksLikeYear(field: string): boolean {
  return /^(19|20)\d\d([-,/]|$)/.test(field);
}

/** Valid as cronexpr's own 6-field reading (minute hour dom month dow year)? */
function validAsSixField(fields: readonly string[]): boolean {
  return checkFields(['*', ...fields], 'cronexpr').problems.length === 0;
}

/** Checks one docker+machine `Periods` entry. */
export function checkMachinePeriod(value: string, path: string, ctx: Ctx): void {
  const trimmed = value.trim();
  if (trimmed.startsWith('@')) {
    ctx.error(
      path,
      `got ${show(value, path)}, a cron macro; macros set second 0, so the period would be active one second per match. ` +
        `Fix: write 7 fields (${FIELD_NAMES_7}), e.g. "* * 8-18 * * mon-fri *".`,
    );
    return;
  }
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  const expected = `expected 7 fields (${FIELD_NAMES_7})`;
  if (fields.length === 5) {
    ctx.error(
      path,
      `got ${show(value, path)} (5 fields), ${expected}; with 5 fields the runner adds second 0, so the period is active only one second per minute. ` +
        `Fix: write ${JSON.stringify(`* ${fields.join(' ')} *`)}.`,
    );
    return;
  }
  if (fields.length === 6) {
    const yearLast = looksLikeYear(fields[5]) && validAsSixField(fields);
    const fix = yearLast ? `* ${fields.join(' ')}` : `${fields.join(' ')} *`;
    const reading = validAsSixField(fields)
      ? 'with 6 fields the runner reads minute hour day-of-month month day-of-week year with second 0, so the period is active only one second per minute'
      : `with 6 fields the runner reads the last field ${JSON.stringify(fields[5])} as the year and fails at start`;
    ctx.error(path, `got ${show(value, path)} (6 fields), ${expected}; ${reading}. Fix: write ${JSON.stringify(fix)}.`);
    return;
  }
  if (fields.length !== 7) {
    const why = fields.length > 7 ? 'the runner silently ignores the fields after the 7th' : 'the runner fails at start';
    ctx.error(path, `got ${show(value, path)} (${fields.length} fields), ${expected}; ${why}. Fix: write 7 fields, e.g. "* * 8-18 * * mon-fri *".`);
    return;
  }
  const result = checkFields(fields, 'cronexpr');
  if (result.problems.length > 0) {
    ctx.error(path, `got ${show(value, path)}: ${result.problems.join('; ')}. Fix: ${fieldsFix(result)}.`);
    return;
  }
  if (fields[0] !== '*' && fields[0] !== '?') {
    ctx.warn(
      path,
      `got ${show(value, path)}: the second field is ${JSON.stringify(fields[0])}, so the period is active only during those seconds of each minute. ` +
        `Fix: write * for the seconds: ${JSON.stringify(['*', ...fields.slice(1)].join(' '))}.`,
    );
  }
}

/** Checks one docker-autoscaler policy `periods` entry (5-field unix cron). */
export function checkPolicyPeriod(value: string, path: string, ctx: Ctx): void {
  const trimmed = value.trim();
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  const expected = `expected 5 fields (${FIELD_NAMES_5}); [[runners.autoscaler.policy]] periods use unix cron, unlike docker+machine Periods`;
  if (trimmed.startsWith('@')) {
    ctx.error(path, `got ${show(value, path)}, a cron macro, ${expected}. Fix: write 5 fields, e.g. "* 8-18 * * mon-fri".`);
    return;
  }
  if (fields.length === 7 || fields.length === 6) {
    const five = fields.length === 7 ? fields.slice(1, 6) : looksLikeYear(fields[5]) ? fields.slice(0, 5) : fields.slice(1);
    ctx.error(path, `got ${show(value, path)} (${fields.length} fields), ${expected}. Fix: write ${JSON.stringify(five.join(' '))}.`);
    return;
  }
  if (fields.length !== 5) {
    ctx.error(path, `got ${show(value, path)} (${fields.length} fields), ${expected}. Fix: write 5 fields, e.g. "* 8-18 * * mon-fri".`);
    return;
  }
  const result = checkFields(fields, 'unix');
  if (result.problems.length > 0) {
    ctx.error(path, `got ${show(value, path)}: ${result.problems.join('; ')}. Fix: ${fieldsFix(result)}.`);
  }
}

function eachString(value: TomlValue, path: string, check: (v: string, p: string) => void): void {
  if (!Array.isArray(value)) return;
  value.forEach((v: TomlValue, i: number) => {
    if (typeof v === 'string' && !isUnresolved(v)) check(v, indexPath(path, i));
  });
}

/**
 * Memoized period checks: the same expressions repeat across runners, and the result depends on
 * the expression only. Holds the diagnostics' level and message; the path is added per use.
 */
const periodMemo = new Map<string, readonly { level: 'error' | 'warning'; message: string }[]>();

function memoized(dialect: CronDialect, check: (v: string, p: string, c: Ctx) => void) {
  return (value: string, path: string, ctx: Ctx): void => {
    const id = `${dialect}\u0000${value}`;
    let found = periodMemo.get(id);
    if (!found) {
      const scratch = new Ctx();
      check(value, '', scratch);
      found = scratch.diagnostics.map((d) => ({ level: d.level, message: d.message }));
      if (periodMemo.size > 5000) periodMemo.clear();
      periodMemo.set(id, found);
    }
    for (const d of found) {
      if (d.level === 'error') ctx.error(path, d.message);
      else ctx.warn(path, d.message);
    }
  };
}

const machinePeriodCached = memoized('cronexpr', checkMachinePeriod);
const policyPeriodCached = memoized('unix', checkPolicyPeriod);

function machinePeriods(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  if (Array.isArray(value) && value.length === 0) {
    ctx.warn(path, 'is empty, so this [[runners.machine.autoscaling]] entry never applies. Fix: add a period such as "* * 8-18 * * mon-fri *" or remove the entry.');
    return;
  }
  eachString(value, path, (v, p) => machinePeriodCached(v, p, ctx));
}

function policyPeriods(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  if (Array.isArray(value) && value.length === 0) {
    ctx.warn(path, 'is empty, so this [[runners.autoscaler.policy]] entry never applies. Fix: add a period such as "* 8-18 * * mon-fri" or remove periods (default "* * * * *").');
    return;
  }
  eachString(value, path, (v, p) => policyPeriodCached(v, p, ctx));
}

export const cronRules: RuleSet = {
  keys: {
    'runners.machine.autoscaling/Periods': [machinePeriods],
    'runners.autoscaler.policy/periods': [policyPeriods],
  },
};
