/**
 * Typed props <-> TOML-keyed data.
 *
 * - `propsToData`: camelCase props -> data tree in TOML spelling, the `rawToml` escape hatch
 *   merged in (a raw key that a typed prop also sets is an error naming both), pinned defaults
 *   added. Unknown props and values TOML cannot hold are reported, never silently dropped.
 * - `dataToProps`: a parsed config.toml -> props. A value goes into a typed prop only when its
 *   TOML type is the prop's type; everything else (unknown keys, removed keys, sections we do not
 *   enumerate, wrongly typed values) goes into `rawToml` unchanged, so the validator still sees it
 *   and rendering gives back the same data.
 *
 * Type checks, ranges, enums and unknown TOML keys are the validator's job (validate/**), not
 * this module's.
 */
import type { Diagnostic } from '../../errors';
import { showValue } from '../../errors';
import { cloneTable, copyFloatMark, isDate, isPlainObject } from './float-marks';
import { joinPath, ROOT_SECTION, sectionIndex, type SectionIndex } from './schema-index';
import type { KeySpec, TomlTable, TomlValue } from './schema-types';
import { scrubSecrets, showAt } from './secrets';
import { OFFSET_DATETIME, trimMillis } from './toml-emit';
import { closest } from './validate/suggest';

/** The escape hatch prop, on the global section and on each `[[runners]]` entry. */
export const RAW_PROP = 'rawToml';

/** Time zone written on every `[[runners.machine.autoscaling]]` / autoscaler policy lacking one. */
export const PINNED_TIMEZONE = 'UTC';

type Obj = Record<string, unknown>;

/** Sections whose entries get `PINNED_TIMEZONE` when they have no time zone. */
const PINNED_KEY = new Map<string, string>([
  ['runners.machine.autoscaling', 'Timezone'],
  ['runners.autoscaler.policy', 'timezone'],
]);

// ---------------------------------------------------------------------------------------------
// props -> data

export interface MappedData {
  readonly data: TomlTable;
  readonly diagnostics: Diagnostic[];
}

export function propsToData(props: object, options: { readonly scrub?: boolean } = {}): MappedData {
  const mapped = mapProps(props);
  // Safety net: no secret of the props in a message, even one a message builder missed (secrets.ts).
  return options.scrub === false ? mapped : { data: mapped.data, diagnostics: scrubSecrets(mapped.diagnostics, props, mapped.data) };
}

function mapProps(props: object): MappedData {
  const diagnostics: Diagnostic[] = [];
  const m = new PropsMapper(diagnostics);
  let data: Obj = {};
  if (!isPlainObject(props)) {
    diagnostics.push({
      level: 'error',
      path: '(props)',
      message: `got ${describe(props)}, expected an object of RunnerConfigProps. Fix: pass { concurrent: 1, runners: [...] }.`,
    });
  } else {
    data = m.section(props, ROOT_SECTION, '');
  }
  return { data: addPinnedDefaults(data) as TomlTable, diagnostics };
}

class PropsMapper {
  constructor(private readonly diagnostics: Diagnostic[]) {}

  /** Maps the props of one section; `path` is the prop path (`runners[0].machine`). */
  section(props: Obj, sec: SectionIndex, path: string): Obj {
    const out: Obj = {};
    const hasRaw = sec.spec.form === 'root' || sec.spec.name === 'runners';
    for (const prop of Object.keys(props)) {
      const value = props[prop];
      if (value === undefined) continue;
      if (prop === RAW_PROP && hasRaw) continue; // merged below, after every typed key
      const spec = sec.byProp.get(prop);
      if (!spec) {
        this.unknownProp(prop, value, sec, path);
        continue;
      }
      const t = typeof value;
      if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') {
        out[spec.key] = value; // scalars: as given (the validator checks their type)
        continue;
      }
      const mapped = this.value(value, spec, path, prop);
      if (mapped !== undefined) out[spec.key] = mapped;
    }
    if (hasRaw && props[RAW_PROP] !== undefined) {
      const rawPath = joinPath(path, RAW_PROP);
      const raw = props[RAW_PROP];
      if (!isPlainObject(raw)) {
        this.error(rawPath, `got ${describe(raw)}, expected a table of raw TOML keys, e.g. { kubernetes: { namespace: "ci" } }. Fix: pass an object.`);
      } else if (this.checkTree(raw, path, RAW_PROP)) {
        this.mergeRaw(out, raw, sec.spec.name, path, rawPath);
      }
    }
    // Pinned defaults on the entries we build (F06); raw entries get them in addPinnedDefaults.
    const pin = PINNED_KEY.get(sec.spec.name);
    if (pin !== undefined && out[pin] === undefined) out[pin] = PINNED_TIMEZONE;
    return out;
  }

  /** Maps `parentProps[prop]` (prop path `parent.prop`, computed only when needed). */
  private value(value: unknown, spec: KeySpec, parent: string, prop: string): unknown {
    if ((spec.type === 'table' || spec.type === 'table[]') && spec.section) {
      const child = sectionIndex(spec.section);
      if (child && !child.spec.freeForm) {
        if (spec.type === 'table' && isPlainObject(value)) return this.section(value, child, joinPath(parent, prop));
        if (spec.type === 'table[]' && Array.isArray(value)) {
          const path = joinPath(parent, prop);
          const entries: unknown[] = [];
          value.forEach((entry, i) => {
            if (isPlainObject(entry)) entries.push(this.section(entry, child, `${path}[${i}]`));
            else if (this.checkTree(entry, path, i)) entries.push(entry); // the validator reports the type
          });
          return entries;
        }
      }
    }
    // Scalars, arrays, maps and free-form tables: TOML keys as given.
    return this.checkTree(value, parent, prop) ? value : undefined;
  }

  /**
   * Every value inside `parent.key` must be a TOML value: no null, functions, class instances...
   * Paths are built only for the error messages.
   */
  /** The arrays and tables checkTree is inside (a value that is one of them is a cycle). */
  private readonly ancestors = new Set<object>();

  checkTree(value: unknown, parent: string, key: string | number): boolean {
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'bigint':
      case 'boolean':
        return true;
      case 'undefined':
        this.error(at(parent, key), 'got nothing (undefined) inside an array. Fix: remove the element; TOML arrays cannot have holes.');
        return false;
      case 'object': {
        if (value === null) {
          this.error(at(parent, key), 'got null, which TOML cannot represent. Fix: leave the property out (undefined) to not write the key.');
          return false;
        }
        if (isDate(value)) return true;
        if (this.ancestors.has(value)) {
          this.error(at(parent, key), 'got an object that contains itself (a cycle), which TOML cannot represent. Fix: pass plain data without cycles.');
          return false;
        }
        if (Array.isArray(value)) {
          this.ancestors.add(value);
          let ok = true;
          let path: string | undefined;
          for (let i = 0; i < value.length; i++) {
            const e = value[i];
            const t = typeof e;
            if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') continue;
            ok = this.checkTree(e, (path ??= at(parent, key)), i) && ok;
          }
          this.ancestors.delete(value);
          return ok;
        }
        if (isPlainObject(value)) {
          this.ancestors.add(value);
          let ok = true;
          let path: string | undefined;
          for (const k of Object.keys(value)) {
            const e = value[k];
            const t = typeof e;
            if (t === 'undefined' || t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') continue;
            ok = this.checkTree(e, (path ??= at(parent, key)), k) && ok;
          }
          this.ancestors.delete(value);
          return ok;
        }
        this.error(at(parent, key), `got ${describe(value)}, which TOML cannot represent. Fix: pass plain data (string, number, boolean, array, plain object).`);
        return false;
      }
      default:
        this.error(at(parent, key), `got ${describe(value)}, which TOML cannot represent. Fix: pass plain data (string, number, boolean, array, plain object).`);
        return false;
    }
  }

  /**
   * Merges raw keys into a typed table. Tables merge key by key; any other value for a key that
   * is already set is a clash (F08), reported with both names; the typed value is kept.
   */
  private mergeRaw(target: Obj, raw: Obj, section: string | undefined, propPath: string, rawPath: string): void {
    const sec = section === undefined ? undefined : sectionIndex(section);
    for (const key of Object.keys(raw)) {
      const rv = raw[key];
      if (rv === undefined) continue;
      const spec = sec?.byKey.get(key);
      const typedPropPath = joinPath(propPath, spec && !spec.removed && !spec.rawOnly ? spec.prop : key);
      const keyRawPath = joinPath(rawPath, key);
      if (!Object.prototype.hasOwnProperty.call(target, key)) {
        target[key] = rv;
        copyFloatMark(raw, key, target, key);
        continue;
      }
      const tv = target[key];
      if (isPlainObject(tv) && isPlainObject(rv)) {
        const copy: Obj = cloneTable(tv);
        const childSection = spec && spec.type === 'table' && spec.section ? spec.section : undefined;
        this.mergeRaw(copy, rv, childSection, typedPropPath, keyRawPath);
        target[key] = copy;
        continue;
      }
      this.error(
        keyRawPath,
        `got ${showAt(keyRawPath, rv)}, but the typed property ${typedPropPath} already sets this key to ${showAt(typedPropPath, tv)}. ` +
          'A key may be set only once: the escape hatch never overrides a typed property. ' +
          `Fix: remove ${JSON.stringify(key)} from ${rawPath}, or remove ${typedPropPath}.`,
      );
    }
  }

  private unknownProp(prop: string, value: unknown, sec: SectionIndex, path: string): void {
    const propPath = joinPath(path, prop);
    const name = sec.spec.name;
    const where = name === '' ? 'RunnerConfigProps (the global section)' : `${sec.spec.typeName}Props (${name === 'runners' ? '[[runners]]' : sec.spec.form === 'array' ? `[[${name}]]` : `[${name}]`})`;
    const rawHolder = name.startsWith('runners') ? `${runnerPrefix(path)}.${RAW_PROP}` : RAW_PROP;
    const got = `got ${showAt(propPath, value)}`;
    if (prop === RAW_PROP) {
      const nested = name.startsWith('runners.') ? name.slice('runners.'.length) : name;
      this.error(
        propPath,
        `${got}, but rawToml exists only on the global section and on each runners entry. ` +
          `Fix: move it to ${rawHolder} and nest the keys under their section: { ${nested.split('.').join(': { ')}: { key: value } }.`,
      );
      return;
    }
    // The TOML spelling (IdleCount, idle_count, tls-ca-file) of a typed key.
    const byToml = sec.byKey.get(prop) ?? [...sec.byKey.values()].find((k) => k.key.toLowerCase() === prop.toLowerCase());
    if (byToml?.removed) {
      this.error(propPath, `${got}, but ${byToml.key} was removed in GitLab Runner ${byToml.removed}. Fix: use ${byToml.replacedBy}.`);
      return;
    }
    if (byToml?.rawOnly) {
      this.error(propPath, `${got}, but ${byToml.key} has no typed property. Fix: set it through the escape hatch: ${rawHolder}: { ${byToml.key}: { ... } }.`);
      return;
    }
    const removed = [...sec.byKey.values()].find((k) => k.removed && k.prop.toLowerCase() === prop.toLowerCase());
    if (removed) {
      this.error(propPath, `${got}, but ${removed.key} was removed in GitLab Runner ${removed.removed}. Fix: use ${removed.replacedBy}.`);
      return;
    }
    if (byToml && sec.byProp.has(byToml.prop)) {
      this.error(propPath, `${got}: ${where} has no property ${JSON.stringify(prop)}; that is the TOML spelling of ${byToml.prop}. Fix: rename it to ${byToml.prop}.`);
      return;
    }
    const rawOnly = [...sec.byKey.values()].find((k) => k.rawOnly && k.prop === prop);
    if (rawOnly) {
      this.error(propPath, `${got}, but ${rawOnly.key} has no typed property. Fix: set it through the escape hatch: ${rawHolder}: { ${rawOnly.key}: { ... } }.`);
      return;
    }
    const suggestion = closest(prop, sec.byProp.keys());
    const fix = suggestion
      ? `Did you mean ${suggestion}? Fix: rename it to ${suggestion}.`
      : `Fix: remove it, or set a raw TOML key through ${rawHolder}.`;
    this.error(propPath, `${got}, but ${where} has no property ${JSON.stringify(prop)}. ${fix}`);
  }

  private error(path: string, message: string): void {
    this.diagnostics.push({ level: 'error', path, message });
  }
}

/** Path of `parent[key]`: `parent.key` or `parent[3]`. */
function at(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : joinPath(parent, key);
}

/** `runners[3]` from `runners[3].machine.autoscaling[0]`. */
function runnerPrefix(path: string): string {
  const m = /^runners\[\d+\]/.exec(path);
  return m ? m[0] : 'runners[i]';
}

/**
 * Pinned defaults: `Timezone = "UTC"` on every `[[runners.machine.autoscaling]]` entry and
 * `timezone = "UTC"` on every `[[runners.autoscaler.policy]]` entry that has none (F06: never
 * leave periods to the host's local time). Copy-on-write: user objects are never changed.
 */
export function addPinnedDefaults(data: Obj): Obj {
  const runners = data.runners;
  if (!Array.isArray(runners)) return data;
  let changed = false;
  const next = runners.map((runner) => {
    if (!isPlainObject(runner)) return runner;
    let r = runner;
    const machine = r.machine;
    if (isPlainObject(machine)) {
      const entries = pinTimezone(machine.autoscaling, 'Timezone');
      if (entries) r = { ...cloneTable(r), machine: { ...cloneTable(machine), autoscaling: entries } };
    }
    const autoscaler = r.autoscaler;
    if (isPlainObject(autoscaler)) {
      const entries = pinTimezone(autoscaler.policy, 'timezone');
      if (entries) r = { ...cloneTable(r), autoscaler: { ...cloneTable(autoscaler), policy: entries } };
    }
    if (r !== runner) changed = true;
    return r;
  });
  return changed ? { ...cloneTable(data), runners: next } : data;
}

/** New entries with the time zone added, or undefined when nothing is missing. */
function pinTimezone(entries: unknown, key: string): unknown[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  if (!entries.some((e) => isPlainObject(e) && e[key] === undefined)) return undefined;
  return entries.map((e) => (isPlainObject(e) && e[key] === undefined ? { ...cloneTable(e), [key]: PINNED_TIMEZONE } : e));
}

// ---------------------------------------------------------------------------------------------
// data -> props

/** Parsed TOML (smol-toml with integersAsBigInt) -> RunnerConfigProps-shaped object. */
export function dataToProps(data: Obj): Obj {
  const rootRaw: Obj = {};
  const props = importSection(data, ROOT_SECTION, { root: rootRaw, prefix: [] }, true);
  if (Object.keys(rootRaw).length > 0) props[RAW_PROP] = rootRaw;
  return props;
}

interface RawSink {
  readonly root: Obj;
  /** Keys from the sink's table to the current table. */
  readonly prefix: readonly string[];
}

function importSection(table: Obj, sec: SectionIndex, sink: RawSink, isRoot = false): Obj {
  const props: Obj = {};
  for (const key of Object.keys(table)) {
    const value = table[key];
    const spec = sec.byKey.get(key);
    if (!spec || spec.removed || spec.rawOnly) {
      putRaw(sink, key, value, table);
      continue;
    }
    if (isRoot && key === 'runners' && Array.isArray(value) && value.every(isPlainObject)) {
      const runners = sectionIndex('runners')!;
      props[spec.prop] = value.map((entry) => {
        const raw: Obj = {};
        const p = importSection(entry as Obj, runners, { root: raw, prefix: [] });
        if (Object.keys(raw).length > 0) p[RAW_PROP] = raw;
        return p;
      });
      continue;
    }
    const imported = importValue(value, spec, sink, key);
    if (imported.ok) props[spec.prop] = imported.value;
    else putRaw(sink, key, value, table);
  }
  return props;
}

type Imported = { ok: true; value: unknown } | { ok: false };
const NO: Imported = { ok: false };
const yes = (value: unknown): Imported => ({ ok: true, value });

function importValue(value: unknown, spec: KeySpec, sink: RawSink, key: string): Imported {
  switch (spec.type) {
    case 'string':
    case 'duration':
      return typeof value === 'string' ? yes(value) : NO;
    case 'integer':
      return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? yes(Number(value)) : NO;
    case 'float':
      if (typeof value === 'number') return yes(value);
      // An integer for a float key is read by the runner as that float; we write it as one (F09).
      return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? yes(Number(value)) : NO;
    case 'bool':
      return typeof value === 'boolean' ? yes(value) : NO;
    case 'datetime':
      if (isDate(value) && !Number.isNaN(value.getTime())) {
        const text = trimMillis(value.toISOString()); // TomlDate: in its TOML form
        return OFFSET_DATETIME.test(text) ? yes(text) : NO;
      }
      return NO;
    case 'string[]':
      return Array.isArray(value) && value.every((e) => typeof e === 'string') ? yes([...value]) : NO;
    case 'float[]':
      return Array.isArray(value) && value.every((e) => typeof e === 'number' || (typeof e === 'bigint' && Number.isSafeInteger(Number(e))))
        ? yes(value.map(Number))
        : NO;
    case 'string|string[]':
      if (typeof value === 'string') return yes(value);
      return Array.isArray(value) && value.every((e) => typeof e === 'string') ? yes([...value]) : NO;
    case 'map<string>':
      return isMapOf(value, (e) => typeof e === 'string') ? yes({ ...value }) : NO;
    case 'map<bool>':
      return isMapOf(value, (e) => typeof e === 'boolean') ? yes({ ...value }) : NO;
    case 'map<string[]>':
      return isMapOf(value, (e) => Array.isArray(e) && e.every((x) => typeof x === 'string'))
        ? yes(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, [...(v as string[])]])))
        : NO;
    case 'free':
      // Free-form (plugin_config): kept as parsed, float marks included.
      return isPlainObject(value) ? yes(value) : NO;
    case 'table': {
      const child = spec.section ? sectionIndex(spec.section) : undefined;
      if (!isPlainObject(value)) return NO;
      if (!child || child.spec.freeForm) return yes(value);
      return yes(importSection(value, child, { root: sink.root, prefix: [...sink.prefix, key] }));
    }
    case 'table[]': {
      const child = spec.section ? sectionIndex(spec.section) : undefined;
      if (!child || !Array.isArray(value) || !value.every(isPlainObject)) return NO;
      // rawToml cannot address one entry of an array, so an entry with any raw key sends the
      // whole array to rawToml (the validator still reports the key).
      const entries: Obj[] = [];
      for (const entry of value) {
        const local: Obj = {};
        entries.push(importSection(entry as Obj, child, { root: local, prefix: [] }));
        if (Object.keys(local).length > 0) return NO;
      }
      return yes(entries);
    }
    default:
      return NO;
  }
}

function isMapOf(value: unknown, ok: (e: unknown) => boolean): value is Obj {
  return isPlainObject(value) && Object.values(value).every(ok);
}

/** Puts `container[key]` into the sink at the current prefix (tables created as needed). */
function putRaw(sink: RawSink, key: string, value: unknown, container: Obj): void {
  let t = sink.root;
  for (const p of sink.prefix) {
    let next = t[p];
    if (!isPlainObject(next)) {
      next = {};
      t[p] = next;
    }
    t = next as Obj;
  }
  t[key] = value as TomlValue;
  copyFloatMark(container, key, t, key);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'object') return `an object of class ${(v as object).constructor?.name ?? 'unknown'}`;
  return showValue(v);
}
