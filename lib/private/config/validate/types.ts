/**
 * TOML type and range of every key, from the schema's `type` (plus ranges.ts).
 * Returns whether the value is well-typed, so value rules (cron, URLs, ...) only see good shapes.
 * Unresolved references (deploy-time values) are never checked.
 */
import { isMarkedFloat } from '../float-marks';
import { isSecretPath } from '../secrets';
import type { KeySpec, TomlTable, TomlValue } from '../schema-types';
import { Ctx, indexPath, isTable, isUnresolved, joinPath, sectionHeader, show } from './context';
import { describeRange, INT64_MAX, INT64_MIN, rangeOf } from './ranges';

/** Go duration string (or "0"). */
export const DURATION_RE = /^(([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+|0)$/;

const NUMERIC_STRING_RE = /^[+-]?[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?$/;

function unitWord(spec: KeySpec): string | undefined {
  if (spec.unit === 'seconds' || spec.unit === 'bytes' || spec.unit === 'kilobytes') return spec.unit;
  return undefined;
}

/** "a whole number of seconds >= 0" / "an integer from 1 to 65535". */
export function describeInteger(section: string, spec: KeySpec): string {
  const range = rangeOf(section, spec.key);
  const unit = unitWord(spec);
  const base = unit ? `a whole number of ${unit}` : 'an integer';
  return `${base} ${describeRange(range)}${range.note ? ` (${range.note})` : ''}`;
}

function describeFloat(section: string, spec: KeySpec): string {
  return `a finite number ${describeRange(rangeOf(section, spec.key))}`;
}

function isNumericString(value: TomlValue): value is string {
  return typeof value === 'string' && NUMERIC_STRING_RE.test(value.trim());
}

function checkString(value: TomlValue, path: string, ctx: Ctx): boolean {
  if (typeof value === 'string') return true;
  const literal = typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean';
  let fix = ' Fix: write a quoted string.';
  if (literal) fix = isSecretPath(path) ? ' Fix: write the value in quotes.' : ` Fix: write ${JSON.stringify(String(value))} in quotes.`;
  ctx.error(path, `got ${show(value, path)}, expected a string.${fix}`);
  return false;
}

function checkInteger(value: TomlValue, path: string, section: string, spec: KeySpec, ctx: Ctx, container?: TomlTable): boolean {
  const range = rangeOf(section, spec.key);
  // Fast path: the common case is an in-range integer.
  if (typeof value === 'bigint' && value >= BigInt(range.min) && (range.max === undefined ? value <= INT64_MAX : value <= BigInt(range.max))) return true;
  if (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= range.min &&
    (range.max === undefined || value <= range.max) &&
    (container === undefined || !isMarkedFloat(container, spec.key))
  ) {
    return true;
  }
  const expected = describeInteger(section, spec);
  let n: bigint;
  if (typeof value === 'bigint') {
    n = value;
  } else if (typeof value === 'number' && Number.isInteger(value) && container !== undefined && isMarkedFloat(container, spec.key)) {
    // A TOML float such as 1.0 read from a file: the runner's decoder refuses floats for integer keys.
    ctx.error(path, `got ${value}.0 (a float), expected ${expected}; the runner refuses a float here. Fix: write ${value}.`);
    return false;
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    if (!Number.isInteger(value)) {
      const whole = Math.max(range.min, Math.trunc(value));
      ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: write ${whole}.`);
      return false;
    }
    n = BigInt(value);
    if (!Number.isSafeInteger(value) && n >= INT64_MIN && n <= INT64_MAX) {
      // the digits written may already be lost: 9007199254740993 is the number 9007199254740992
      ctx.error(path, `got ${show(value, path)}, beyond ${Number.MAX_SAFE_INTEGER} (2^53 - 1), where a JavaScript number cannot hold every integer, so the value may not be the one written; expected ${expected}. Fix: write a value from ${Math.max(range.min, Number.MIN_SAFE_INTEGER)} to ${Number.MAX_SAFE_INTEGER}.`);
      return false;
    }
  } else if (isNumericString(value)) {
    const fix = Number(value.trim().replace(/_/g, ''));
    const fixText = Number.isInteger(fix) ? `write ${fix} without quotes` : 'write a whole number without quotes';
    ctx.error(path, `got ${show(value, path)} (a string), expected ${expected}. Fix: ${fixText}.`);
    return false;
  } else {
    ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: write a number without quotes.`);
    return false;
  }
  const max = range.max === undefined ? INT64_MAX : BigInt(range.max);
  const min = BigInt(range.min) < INT64_MIN ? INT64_MIN : BigInt(range.min);
  if (n < min || n > max) {
    const fix = n < min ? `write ${range.min} or more` : `write ${max.toString()} or less`;
    ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: ${fix}.`);
    return false;
  }
  return true;
}

function checkFloat(value: TomlValue, path: string, section: string, spec: KeySpec, ctx: Ctx): boolean {
  const range = rangeOf(section, spec.key);
  if (typeof value === 'number' && Number.isFinite(value) && value >= range.min && (range.max === undefined || value <= range.max)) return true;
  const expected = describeFloat(section, spec);
  let n: number;
  if (typeof value === 'bigint') {
    n = Number(value);
    if (BigInt(n) !== value) {
      // the runner reads a float64: the integer written would silently become another number
      ctx.error(path, `got ${value.toString()}, which a float cannot hold exactly (it would be read as ${n}); expected ${expected}. Fix: write ${n}.0 if that is what you mean, or a smaller value.`);
      return false;
    }
  } else if (typeof value === 'number') n = value;
  else if (isNumericString(value)) {
    ctx.error(path, `got ${show(value, path)} (a string), expected ${expected}. Fix: write ${Number(value.trim().replace(/_/g, ''))} without quotes.`);
    return false;
  } else {
    ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: write a number without quotes, e.g. 0.5.`);
    return false;
  }
  if (!Number.isFinite(n) || n < range.min || (range.max !== undefined && n > range.max)) {
    ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: write a number ${describeRange(range)}, e.g. ${range.min}.0.`);
    return false;
  }
  return true;
}

function checkBool(value: TomlValue, path: string, ctx: Ctx): boolean {
  if (typeof value === 'boolean') return true;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const fix =
    text === 'true' || text === 'false'
      ? `write ${text} without quotes`
      : typeof value === 'bigint' || typeof value === 'number'
        ? `write ${Number(value) === 0 ? 'false' : 'true'}`
        : 'write true or false';
  ctx.error(path, `got ${show(value, path)}${typeof value === 'string' ? ' (a string)' : ''}, expected true or false. Fix: ${fix}.`);
  return false;
}

function checkDuration(value: TomlValue, path: string, ctx: Ctx): boolean {
  const expected = 'a Go duration string such as "90s", "30m" or "1h30m" (units ns, us, ms, s, m, h)';
  if (typeof value === 'string') {
    if (DURATION_RE.test(value)) return true;
    const trimmed = value.trim();
    let fix = 'write a number followed by a unit, e.g. "30m"';
    if (trimmed !== value && DURATION_RE.test(trimmed)) fix = `write ${JSON.stringify(trimmed)} without spaces`;
    else if (/^[0-9]+(\.[0-9]+)?$/.test(trimmed)) fix = `add a unit, e.g. "${trimmed}s" for seconds or "${trimmed}m" for minutes`;
    else if (/^[0-9]+(\.[0-9]+)?\s*[a-zµ]+$/i.test(trimmed)) {
      const compact = trimmed.replace(/\s+/g, '').toLowerCase();
      const unit = /^([0-9.]+)(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours)$/.exec(compact);
      if (unit) fix = `write "${unit[1]}${unit[2][0]}"`;
    }
    ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: ${fix}.`);
    return false;
  }
  if (typeof value === 'bigint' || typeof value === 'number') {
    ctx.error(
      path,
      `got ${show(value, path)}, expected ${expected}; a bare number is read as nanoseconds. Fix: write "${show(value, path)}s" if you meant seconds.`,
    );
    return false;
  }
  ctx.error(path, `got ${show(value, path)}, expected ${expected}. Fix: write a quoted duration, e.g. "30m".`);
  return false;
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function checkDatetime(value: TomlValue, path: string, ctx: Ctx): boolean {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return true;
  if (typeof value === 'string' && RFC3339_RE.test(value) && !Number.isNaN(Date.parse(value))) return true;
  ctx.error(path, `got ${show(value, path)}, expected an RFC 3339 date-time with offset such as 2026-01-01T00:00:00Z. Fix: write it unquoted in that form.`);
  return false;
}

type ElementCheck = (value: TomlValue, path: string) => boolean;

function checkArray(value: TomlValue, path: string, what: string, ctx: Ctx, element: ElementCheck, single?: string): boolean {
  if (!Array.isArray(value)) {
    const fix = single ?? `write a TOML array, e.g. [${show(value, path)}]`;
    ctx.error(path, `got ${show(value, path)}, expected an array of ${what}. Fix: ${fix}.`);
    return false;
  }
  let ok = true;
  value.forEach((item: TomlValue, i: number) => {
    if (isUnresolved(item)) return;
    if (!element(item, indexPath(path, i))) ok = false;
  });
  return ok;
}

function checkMap(value: TomlValue, path: string, what: string, ctx: Ctx, element: ElementCheck): boolean {
  if (!isTable(value)) {
    ctx.error(path, `got ${show(value, path)}, expected a table of ${what} (key = value). Fix: write it as a table, e.g. { key = ... }.`);
    return false;
  }
  let ok = true;
  for (const [k, v] of Object.entries(value)) {
    if (isUnresolved(v)) continue;
    if (!element(v, joinPath(path, k))) ok = false;
  }
  return ok;
}

/**
 * True when `value` certainly has the right type and range (the common case), without building
 * a message; false means "run checkType", which may still accept it (e.g. unresolved values).
 */
export function quickTypeOk(value: TomlValue, section: string, spec: KeySpec, container: TomlTable): boolean {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'integer': {
      const range = rangeOf(section, spec.key);
      if (typeof value === 'bigint') return value >= BigInt(range.min) && (range.max === undefined ? value <= INT64_MAX : value <= BigInt(range.max));
      return (
        typeof value === 'number' &&
        Number.isSafeInteger(value) &&
        value >= range.min &&
        (range.max === undefined || value <= range.max) &&
        !isMarkedFloat(container, spec.key)
      );
    }
    case 'float': {
      const range = rangeOf(section, spec.key);
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof value === 'bigint' && BigInt(n as number) !== value) return false; // not exact as a float
      return typeof n === 'number' && Number.isFinite(n) && n >= range.min && (range.max === undefined || n <= range.max);
    }
    case 'duration':
      return typeof value === 'string' && DURATION_RE.test(value);
    case 'datetime':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    default:
      return false;
  }
}

/**
 * Checks `value` against `spec.type`. `section` is the dotted section name of the table holding
 * the key; `container` is that table (for float marks of imported files). Returns true when the
 * value has the right shape (or is unresolved).
 */
export function checkType(value: TomlValue, path: string, section: string, spec: KeySpec, ctx: Ctx, container?: TomlTable): boolean {
  if (isUnresolved(value)) return true;
  const str: ElementCheck = (v, p) => checkString(v, p, ctx);
  switch (spec.type) {
    case 'string':
      return checkString(value, path, ctx);
    case 'integer':
      return checkInteger(value, path, section, spec, ctx, container);
    case 'float':
      return checkFloat(value, path, section, spec, ctx);
    case 'bool':
      return checkBool(value, path, ctx);
    case 'duration':
      return checkDuration(value, path, ctx);
    case 'datetime':
      return checkDatetime(value, path, ctx);
    case 'string[]':
      return checkArray(value, path, 'strings', ctx, str, typeof value === 'string' ? `write [${show(value, path)}]` : undefined);
    case 'string|string[]':
      if (typeof value === 'string') return true;
      return checkArray(value, path, 'strings (or one string)', ctx, str);
    case 'float[]':
      return checkArray(value, path, 'numbers', ctx, (v, p) => checkFloat(v, p, section, spec, ctx));
    case 'map<string>':
      return checkMap(value, path, 'strings', ctx, str);
    case 'map<bool>':
      return checkMap(value, path, 'booleans', ctx, (v, p) => checkBool(v, p, ctx));
    case 'map<string[]>':
      return checkMap(value, path, 'string arrays', ctx, (v, p) =>
        checkArray(v, p, 'strings', ctx, str, typeof v === 'string' ? `write [${show(v, p)}]` : undefined),
      );
    case 'free':
      return true;
    case 'table': {
      if (isTable(value)) return true;
      const header = sectionHeader(spec.section ?? '');
      const fix = Array.isArray(value) ? `write a single ${header} table, not an array of tables` : `write it as a ${header} table`;
      ctx.error(path, `got ${show(value, path)}, expected a single table ${header}. Fix: ${fix}.`);
      return false;
    }
    case 'table[]': {
      const header = `[[${spec.section ?? ''}]]`;
      if (isTable(value)) {
        ctx.error(
          path,
          `got a single table ${show(value, path)}, expected an array of tables ${header}. Fix: write each entry under its own ${header} header.`,
        );
        return false;
      }
      if (!Array.isArray(value)) {
        ctx.error(path, `got ${show(value, path)}, expected an array of tables ${header}. Fix: write each entry under its own ${header} header.`);
        return false;
      }
      let ok = true;
      value.forEach((item: TomlValue, i: number) => {
        if (!isTable(item) && !isUnresolved(item)) {
          ctx.error(indexPath(path, i), `got ${show(item, indexPath(path, i))}, expected a table (one ${header} entry). Fix: write the entry as a table of keys under ${header}.`);
          ok = false;
        }
      });
      return ok;
    }
  }
}
