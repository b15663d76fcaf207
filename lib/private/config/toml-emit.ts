/**
 * Canonical, schema-aware TOML writer for config.toml.
 *
 * Canonical form (byte-identical for the same data on every machine):
 * - Keys of a known section in struct order (the generated key table), then every other key
 *   sorted by UTF-16 code units; inside each table, plain values first, then sub-tables and
 *   arrays of tables (as TOML requires). `[[runners]]` and every array keep their given order.
 * - Indentation like `gitlab-runner register` writes it: two spaces per table level, a blank
 *   line before each top-level table.
 * - Integer keys as plain digits; float keys always with a decimal point or exponent (`1.0`,
 *   `0.5`, `1e-11`, `inf`, `nan`); raw numbers: bigint and whole JS numbers as integers, other
 *   numbers (and floats marked on import) as floats.
 * - Strings as basic strings: `"` and `\` escaped, every control character escaped (`\n`,
 *   `\u0000`...), non-ASCII kept as is. Unresolved tokens (`${TfToken[...]}`) contain nothing to
 *   escape, so they pass through untouched; number tokens are written unquoted as their token text;
 *   list tokens as the token of `jsonencode(list)`, unquoted (a JSON array is a TOML array).
 * - Offset datetimes (`token_obtained_at`) unquoted, without `.000`; arrays of tables always as
 *   `[[...]]`; an array whose one-line form is over 100 characters is written one element per
 *   line (changing one MachineOptions entry changes one line).
 * - Only what is in the data is written: no defaults are added here.
 */
import { GitlabRunnerError, showValue } from '../../errors';
import { isUnresolved, layoutLength } from '../framework';
import { isDate, isMarkedFloat, isPlainObject } from './float-marks';
import { isBareKey, joinPath, sectionIndex, type SectionIndex } from './schema-index';
import { credentialEntryName, isEntryPath, isSecretKey, redactText, showAt } from './secrets';
import type { KeySpec, TomlTable } from './schema-types';
import { listTokenText, numberTokenText, tomlEscapedReferences } from './token-text';

/** A secret value found in the config, with where it is. */
export interface SecretRef {
  /** Key path in TOML spelling, e.g. `runners[0].cache.s3.SecretKey`. */
  readonly path: string;
  /** The TOML key, e.g. `token`, `SecretKey`. */
  readonly key: string;
  /** Index of the `[[runners]]` entry the secret belongs to (absent for global keys). */
  readonly runnerIndex?: number;
  /** The value as set: a literal or an unresolved token (`${TfToken[TOKEN.12]}`). */
  readonly value: string;
}

export interface EmitOptions {
  /**
   * Called for every secret string value; its result is written instead, as a TOML string
   * (quoted and escaped like any other string value).
   */
  readonly secret?: (ref: SecretRef) => string;
  /**
   * When set, the secret parts of other strings are written as this text: the credentials of a
   * URL (`https://[REDACTED]@host`) and the value of a credential entry in a `name=value` list
   * (`environment = ["AWS_SECRET_ACCESS_KEY=[REDACTED]"]`, MachineOptions), the same parts
   * messages redact (secrets.ts). For previews; `secrets()` does not report them.
   */
  readonly redactMark?: string;
}


/** Writes the data tree as canonical TOML. Throws GitlabRunnerError for values TOML cannot hold. */
export function emitToml(data: TomlTable, options: EmitOptions = {}): string {
  const w = new Writer(options);
  w.table(data, sectionKind(''), '', 0, '', undefined);
  return w.finish();
}

/** What we know about a table's keys. */
interface TableKind {
  /** The schema section (typed keys), or undefined for maps, free-form and raw tables. */
  readonly section?: SectionIndex;
  /** Keys without a spec are raw: secret-looking names count as secrets. */
  readonly raw: boolean;
}

const RAW: TableKind = { raw: true };
const MAP: TableKind = { raw: false };

/** Arrays whose one-line form is longer than this are written one element per line. */
const MAX_LINE = 100;

const INDENT = ['', '  ', '    ', '      ', '        ', '          '];
function indent(depth: number): string {
  return INDENT[depth] ?? '  '.repeat(depth);
}

class Writer {
  /**
   * Output pieces since the last top-level table. Each top-level table is joined into one flat
   * string as soon as it is complete: few long-lived objects, so the garbage collector does not
   * keep copying a growing structure (a `+=` string would be a tree of 100,000s of pieces).
   */
  private parts: string[] = [];
  private readonly chunks: string[] = [];

  constructor(private readonly options: EmitOptions) {}

  /** Closes the current top-level chunk. */
  private flush(): void {
    if (this.parts.length > 0) {
      this.chunks.push(this.parts.join(''));
      this.parts = [];
    }
  }

  finish(): string {
    this.flush();
    return this.chunks.join('\n');
  }

  /**
   * Writes the keys of one table (its header is written by the caller).
   * `header` is the dotted TOML header text naming the table ('' for the root), `depth` its
   * number of keys, `path` the diagnostic path.
   */
  table(
    value: { readonly [key: string]: unknown },
    kind: TableKind,
    header: string,
    depth: number,
    path: string,
    runnerIndex: number | undefined,
  ): void {
    const keys = orderedKeys(value, kind.section);
    const pad = indent(depth);
    const parts = this.parts;
    let later: string[] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const v = value[key];
      if (v === undefined) continue;
      if (isPlainObject(v) || isArrayOfTables(v)) {
        (later ??= []).push(key);
        continue;
      }
      const spec = kind.section?.byKey.get(key);
      const prefix = linePrefix(depth, key); // `    key = `
      if (typeof v === 'string' && !SLOW_PATH.test(v) && (spec ? spec.secret !== true && spec.type !== 'datetime' : !isSecretKey(undefined, key, kind.raw)) && (this.options.redactMark === undefined || !v.includes('@')) && !v.includes('${TfToken[')) {
        parts.push(prefix, '"', v, '"\n'); // the common case, without building "v"
        continue;
      }
      const text = this.value(v, spec, value, key, path, kind.raw, runnerIndex);
      if (Array.isArray(v) && v.length > 1 && prefix.length + layoutLength(text) > MAX_LINE) {
        this.multiline(v, spec, key, path, pad, kind.raw, runnerIndex);
      } else {
        parts.push(prefix, text, '\n');
      }
    }
    if (!later) return;
    const isRoot = depth === 0;
    for (const key of later) {
      const v = value[key];
      const spec = kind.section?.byKey.get(key);
      const childHeader = isRoot ? formatKey(key) : `${header}.${formatKey(key)}`;
      const childPath = joinPath(path, key);
      const childKind = childKindOf(spec);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (isRoot) this.flush(); // a blank line before each top-level table
          this.parts.push(pad, '[[', childHeader, ']]\n');
          const entryRunner = isRoot && key === 'runners' ? i : runnerIndex;
          this.table(v[i] as Record<string, unknown>, childKind, childHeader, depth + 1, `${childPath}[${i}]`, entryRunner);
        }
      } else {
        if (isRoot) this.flush();
        this.parts.push(pad, '[', childHeader, ']\n');
        this.table(v as Record<string, unknown>, childKind, childHeader, depth + 1, childPath, runnerIndex);
      }
    }
  }

  /** A long array, one element per line (so changing one element changes one line). */
  private multiline(
    v: readonly unknown[],
    spec: KeySpec | undefined,
    key: string,
    path: string,
    pad: string,
    raw: boolean,
    runnerIndex: number | undefined,
  ): void {
    const arrayPath = joinPath(path, key);
    const parts = this.parts;
    parts.push(pad, formatKey(key), ' = [\n');
    for (let i = 0; i < v.length; i++) parts.push(pad, '  ', this.value(v[i], spec, v, i, arrayPath, raw, runnerIndex), ',\n');
    parts.push(pad, ']\n');
  }

  /**
   * One inline value (right of `=`, or inside an inline array/table). `container[key]` is the
   * value; `parent` the diagnostic path of the container (the value's own path is computed only
   * when needed: secrets and errors).
   */
  private value(
    v: unknown,
    spec: KeySpec | undefined,
    container: object,
    key: string | number,
    parent: string,
    raw: boolean,
    runnerIndex: number | undefined,
  ): string {
    if (typeof v === 'string') {
      const secret = typeof key === 'string' ? isSecretKey(spec, key, raw) : spec?.secret === true;
      if (secret && this.options.secret) {
        const path = pathFor(parent, key);
        const ref: SecretRef = runnerIndex === undefined
          ? { path, key: String(key), value: v }
          : { path, key: String(key), runnerIndex, value: v };
        return quote(this.options.secret(ref), path);
      }
      if (spec !== undefined && spec.type === 'datetime' && OFFSET_DATETIME.test(v)) return v;
      const mark = this.options.redactMark;
      if (mark !== undefined && (v.includes('@') || credentialEntryName(v) !== undefined)) {
        const redacted = redactText(v, isEntryPath(pathFor(parent, key)), mark);
        if (redacted !== v) return quote(redacted, parent, key);
      }
      // deploy-time references: their values are escaped for TOML by Terraform (token-text.ts)
      return quote(v.includes('${TfToken[') ? tomlEscapedReferences(v) : v, parent, key);
    }
    if (typeof v === 'number') {
      // cdktf number tokens are doubles of magnitude ~1e298: only those need the token check.
      if ((v > 1e290 || v < -1e290) && isUnresolved(v)) return numberTokenText(v);
      const type = spec?.type;
      if (type === 'float' || type === 'float[]') return formatFloat(v);
      if (type === 'integer') return Number.isInteger(v) ? formatInteger(v) : formatFloat(v);
      if (Number.isInteger(v) && !isMarkedFloat(container, key)) return formatInteger(v);
      return formatFloat(v);
    }
    if (typeof v === 'bigint') {
      const type = spec?.type;
      return type === 'float' || type === 'float[]' ? `${v.toString()}.0` : v.toString();
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (isDate(v)) return formatDate(v, pathFor(parent, key));
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.length === 1 && typeof v[0] === 'string' && v[0].startsWith('#{TfToken[') && isUnresolved(v)) return listTokenText(v);
      // Elements of a typed array keep the array's element typing (float[] -> floats).
      const arrayPath = pathFor(parent, key);
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += ', ';
        out += this.value(v[i], spec, v, i, arrayPath, raw, runnerIndex);
      }
      return `${out}]`;
    }
    if (isPlainObject(v)) {
      const tablePath = pathFor(parent, key);
      const keys = orderedKeys(v, undefined);
      const parts: string[] = [];
      for (const k of keys) {
        const e = v[k];
        if (e === undefined) continue;
        parts.push(`${formatKey(k)} = ${this.value(e, undefined, v, k, tablePath, true, runnerIndex)}`);
      }
      return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
    }
    throw GitlabRunnerError.at(
      pathFor(parent, key),
      `got ${describe(v)}, which TOML cannot represent (allowed: string, number, bigint, boolean, Date, array, plain object). Fix: omit the key or give a TOML value.`,
    );
  }
}

/** Diagnostic path of `container[key]`: `parent.key` or `parent[3]`. */
function pathFor(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : joinPath(parent, key);
}

/**
 * Keys in canonical order: struct order for known keys, then the rest sorted by code units.
 * Tables of one section usually share their key set (1,000 runners built alike), so the order
 * is cached per section and key list.
 */
function orderedKeys(value: object, section: SectionIndex | undefined): string[] {
  const keys = Object.keys(value);
  if (!section) return keys.length > 1 ? keys.sort(compareCodeUnits) : keys;
  if (keys.length < 2) return keys;
  let cache = ORDER_CACHE.get(section);
  if (!cache) {
    cache = { lastKeys: [], lastOrdered: [], bySignature: new Map() };
    ORDER_CACHE.set(section, cache);
  }
  // Same key list as the previous table of this section (1,000 runners built alike)?
  const last = cache.lastKeys;
  if (last.length === keys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== last[i]) {
        same = false;
        break;
      }
    }
    if (same) return cache.lastOrdered;
  }
  const signature = keys.join('\u0000');
  let ordered = cache.bySignature.get(signature);
  if (!ordered) {
    const known: string[] = [];
    const other: string[] = [];
    for (const k of keys) (section.order.has(k) ? known : other).push(k);
    known.sort((a, b) => section.order.get(a)! - section.order.get(b)!);
    other.sort(compareCodeUnits);
    ordered = known.length === 0 ? other : other.length === 0 ? known : known.concat(other);
    if (cache.bySignature.size < 1000) cache.bySignature.set(signature, ordered);
  }
  cache.lastKeys = keys;
  cache.lastOrdered = ordered;
  return ordered;
}

interface OrderCache {
  lastKeys: string[];
  lastOrdered: string[];
  readonly bySignature: Map<string, string[]>;
}

const ORDER_CACHE = new WeakMap<SectionIndex, OrderCache>();

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Written as `[[array]]`: a non-empty array whose elements are all plain objects. Typed `table[]`
 * keys are always written so (F08); raw arrays of tables too, the form humans use.
 */
function isArrayOfTables(v: unknown): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!isPlainObject(v[i])) return false;
  return true;
}

const SECTION_KIND = new Map<string, TableKind>();
function sectionKind(name: string): TableKind {
  let kind = SECTION_KIND.get(name);
  if (!kind) {
    const section = sectionIndex(name);
    kind = section && !section.spec.freeForm ? { section, raw: true } : RAW;
    SECTION_KIND.set(name, kind);
  }
  return kind;
}

function childKindOf(spec: KeySpec | undefined): TableKind {
  if (!spec) return RAW;
  if ((spec.type === 'table' || spec.type === 'table[]') && spec.section) return sectionKind(spec.section);
  if (spec.type.startsWith('map<')) return MAP;
  return RAW; // free
}

const PREFIX: Map<string, string>[] = [];
/** `<indent>key = ` for a key at a depth (cached). */
function linePrefix(depth: number, key: string): string {
  const byKey = (PREFIX[depth] ??= new Map());
  let text = byKey.get(key);
  if (text === undefined) {
    text = `${indent(depth)}${formatKey(key)} = `;
    if (byKey.size < 10000) byKey.set(key, text);
  }
  return text;
}

const KEY_TEXT = new Map<string, string>();
function formatKey(key: string): string {
  let text = KEY_TEXT.get(key);
  if (text === undefined) {
    text = isBareKey(key) ? key : quote(key, key);
    if (KEY_TEXT.size < 10000) KEY_TEXT.set(key, text);
  }
  return text;
}

const NEEDS_ESCAPE = /[\u0000-\u001f\u007f"\\]/;
const ESCAPE_ALL = /[\u0000-\u001f\u007f"\\]/g;
const SHORT_ESCAPES: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\',
};
const LONE_SURROGATE = /[\ud800-\udfff]/;
/** Anything that needs escaping or a surrogate check. */
const SLOW_PATH = /[\u0000-\u001f\u007f"\\\ud800-\udfff]/;

/** A TOML basic string. `path` (plus `key`) names the value in errors. */
export function quote(s: string, path: string, key?: string | number): string {
  if (!SLOW_PATH.test(s)) return `"${s}"`; // one scan for the common case
  if (LONE_SURROGATE.test(s) && !isWellFormed(s)) {
    const at = key === undefined ? path : pathFor(path, key);
    throw GitlabRunnerError.at(
      at,
      `got ${showAt(at, s)}, a string with an unpaired UTF-16 surrogate, which cannot be written as UTF-8. Fix: remove the broken character.`,
    );
  }
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(ESCAPE_ALL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"`;
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** Integer digits: no `_`, no exponent. */
export function formatInteger(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isSafeInteger(n)) return String(n);
  return BigInt(n).toString();
}

/** A valid TOML float that reads back as the same number: always a `.`, an exponent, inf or nan. */
export function formatFloat(n: number | bigint): string {
  if (typeof n === 'bigint') return `${n.toString()}.0`;
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n); // "1.5", "1e-11", "1e+21", "100"
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** RFC 3339 offset datetime, as TOML writes it unquoted. */
export const OFFSET_DATETIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function formatDate(d: Date, path: string): string {
  if (Number.isNaN(d.getTime())) {
    throw GitlabRunnerError.at(path, 'got an invalid Date. Fix: give a valid date, e.g. "2026-01-31T12:00:00Z".');
  }
  return trimMillis(d.toISOString()); // TomlDate keeps its TOML form (offset, local date, local time)
}

/** `2026-01-02T03:04:05.000Z` -> `2026-01-02T03:04:05Z` (what the runner itself writes). */
export function trimMillis(text: string): string {
  return text.replace(/(\d{2}:\d{2}:\d{2})\.000(?=$|[Zz+-])/, '$1');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'object') return `an object of class ${(v as object).constructor?.name ?? 'unknown'}`;
  return showValue(v);
}
