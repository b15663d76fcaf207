/**
 * Shared state of one validation run: the diagnostics found so far, the schema index and
 * helpers for paths and values. Pure: no framework imports except `isUnresolved`.
 */
import { showValue, type Diagnostic } from '../../../errors';
import { isUnresolved as frameworkIsUnresolved } from '../../framework';
import { redactUrlCredentials, showAt } from '../secrets';
import { SECTIONS } from '../schema.generated';
import type { KeySpec, SectionSpec, TomlTable, TomlValue } from '../schema-types';

/**
 * `isUnresolved` of the framework, with cheap pre-checks that only rule values out: cdktf encodes
 * a numeric token as a double of magnitude ~1e289 (so a number below 1e280 in magnitude is a
 * literal), and every string token as `${...}` / `#{...}` / `&{...}` (so a string without `{`
 * is a literal). Calling the framework for every value dominated the time of a 1,000-runner config.
 */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'number') return Math.abs(value) >= 1e280 && frameworkIsUnresolved(value);
  if (typeof value === 'string') return value.includes('{') && frameworkIsUnresolved(value);
  if (Array.isArray(value)) return value.length === 1 && frameworkIsUnresolved(value);
  return false;
}

/** Sections by dotted name ('' = global). */
export const SECTION_BY_NAME: ReadonlyMap<string, SectionSpec> = new Map(SECTIONS.map((s) => [s.name, s]));

/** Keys of a section by exact spelling. */
const KEYS_BY_SECTION: ReadonlyMap<string, ReadonlyMap<string, KeySpec>> = new Map(
  SECTIONS.map((s) => [s.name, new Map(s.keys.map((k) => [k.key, k]))]),
);

export function sectionSpec(name: string): SectionSpec {
  const spec = SECTION_BY_NAME.get(name);
  if (!spec) throw new Error(`internal: no schema section ${JSON.stringify(name)}`);
  return spec;
}

export function keySpec(section: string, key: string): KeySpec | undefined {
  return KEYS_BY_SECTION.get(section)?.get(key);
}

/** All keys of a section by exact spelling. */
export function keysOf(section: string): ReadonlyMap<string, KeySpec> | undefined {
  return KEYS_BY_SECTION.get(section);
}

/** How a section is written in config.toml: `[runners.docker]`, `[[runners]]`, or `the global section`. */
export function sectionHeader(name: string): string {
  if (name === '') return 'the global section';
  const spec = SECTION_BY_NAME.get(name);
  return spec?.form === 'array' ? `[[${name}]]` : `[${name}]`;
}

const PATH_PARTS = new Map<string, string>();

/** Appends a key to a path, quoting keys that are not bare TOML keys. */
export function joinPath(base: string, key: string): string {
  let part = PATH_PARTS.get(key);
  if (part === undefined) {
    part = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
    if (PATH_PARTS.size < 10000) PATH_PARTS.set(key, part);
  }
  return base === '' ? part : `${base}.${part}`;
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** A TOML table (not an array, not a datetime). smol-toml gives null-prototype objects. */
export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** True when `key` is present (own property) in `table`. */
export function has(table: TomlTable | undefined, key: string): boolean {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key);
}

/** A table-typed child, or undefined when absent or not a table. */
export function childTable(table: TomlTable | undefined, key: string): TomlTable | undefined {
  if (!table || !has(table, key)) return undefined;
  const value = table[key];
  return isTable(value) ? value : undefined;
}

/** Array-of-tables child entries (only the entries that are tables). */
export function childTables(table: TomlTable | undefined, key: string): TomlTable[] {
  if (!table || !has(table, key)) return [];
  const value = table[key];
  if (!Array.isArray(value)) return [];
  return value.filter(isTable);
}

/** An integer value as a JS number (bigint or whole number), else undefined. Unresolved -> undefined. */
export function intValue(value: TomlValue | undefined): number | undefined {
  if (value === undefined || isUnresolved(value)) return undefined;
  // beyond 2^53 a JS number would show (and compare) another value than the one written: the
  // consistency rules that use this skip such values (the type check still covers them)
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return undefined;
}

/** A numeric value (bigint or number) as a JS number, else undefined. Unresolved -> undefined. */
export function numValue(value: TomlValue | undefined): number | undefined {
  if (value === undefined || isUnresolved(value)) return undefined;
  if (typeof value === 'bigint') return BigInt(Number(value)) === value ? Number(value) : undefined;
  if (typeof value === 'number') return value;
  return undefined;
}

/** A literal string value, else undefined (unresolved references -> undefined). */
export function strValue(value: TomlValue | undefined): string | undefined {
  if (typeof value !== 'string' || isUnresolved(value)) return undefined;
  return value;
}

/** Where the walker is: the section being checked and its enclosing runner, if any. */
export interface Visit {
  readonly section: SectionSpec;
  readonly table: TomlTable;
  /** Path of the table itself ('' for the root). */
  readonly path: string;
  readonly root: TomlTable;
  /** The enclosing `[[runners]]` entry and its path, for sections inside a runner. */
  readonly runner?: TomlTable;
  readonly runnerPath?: string;
}

export class Ctx {
  public readonly diagnostics: Diagnostic[] = [];

  // Every message loses the credentials of any URL in it (`https://<redacted>@host`), also in fix
  // texts built from the value (`write "https://..."`): values are shown through `show`, fixes
  // are not, and a URL's user:password is never needed to understand a message.
  error(path: string, message: string): void {
    this.diagnostics.push({ level: 'error', path, message: redactUrlCredentials(message) });
  }

  warn(path: string, message: string): void {
    this.diagnostics.push({ level: 'warning', path, message: redactUrlCredentials(message) });
  }
}

/**
 * The value at `path` for a message: `showValue` that also handles what smol-toml produces
 * (bigint inside arrays and tables, nan / inf in TOML spelling, datetimes), and never shows a
 * secret: a secret path gives a redacted description, secrets inside tables are redacted
 * (see secrets.ts).
 */
export function show(value: unknown, path: string): string {
  return showAt(path, value, showPlain);
}

function showPlain(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    let text: string;
    try {
      text = JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === 'bigint') return Number(v);
        if (typeof v === 'number' && !Number.isFinite(v)) return showPlain(v);
        return v;
      });
    } catch {
      text = String(value);
    }
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  }
  return showValue(value);
}
