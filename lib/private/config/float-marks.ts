/**
 * Remembers which whole-valued numbers in raw (untyped) positions were TOML floats.
 *
 * smol-toml (with `integersAsBigInt`) gives integers as bigint and floats as number, so `x = 1.0`
 * in an imported file becomes the number 1. In typed positions the schema says integer or float;
 * in raw positions (rawToml, plugin_config, kubernetes...) the renderer writes a whole-valued JS
 * number as an integer, which would turn `1.0` into `1`. Import marks such keys on their
 * container (a non-enumerable symbol property, so it survives `{ ...props }` copies and never
 * shows up in JSON or equality checks) and the renderer writes them with a decimal point.
 */

const FLOAT_KEYS: unique symbol = Symbol('cdktf-gitlab-runner.floatKeys');

type Marked = { [FLOAT_KEYS]?: Set<string> };

/** Marks `container[key]` (an object key or an array index) as a TOML float. */
export function markFloat(container: object, key: string | number): void {
  const c = container as Marked;
  let set = c[FLOAT_KEYS];
  if (!set) {
    set = new Set<string>();
    Object.defineProperty(container, FLOAT_KEYS, { value: set, enumerable: false });
  }
  set.add(String(key));
}

/** True when `container[key]` was imported as a TOML float. */
export function isMarkedFloat(container: object, key: string | number): boolean {
  const set = (container as Marked)[FLOAT_KEYS];
  return set !== undefined && set.has(String(key));
}

/** Copies the mark of `from[fromKey]` (if any) to `to[toKey]`. */
export function copyFloatMark(from: object, fromKey: string | number, to: object, toKey: string | number): void {
  if (isMarkedFloat(from, fromKey)) markFloat(to, toKey);
}

/** A shallow copy of a table that keeps its float marks. */
export function cloneTable<T extends object>(table: T): T {
  const copy = { ...table };
  const set = (table as Marked)[FLOAT_KEYS];
  if (set) for (const k of set) markFloat(copy, k);
  return copy;
}

/**
 * Walks a freshly parsed TOML tree and marks every whole-valued number (a TOML float such as
 * `1.0`, since integers are bigint) so raw positions keep their float type on rendering.
 */
export function markParsedFloats(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v === 'number' && Number.isInteger(v)) markFloat(value, i);
      else markParsedFloats(v);
    });
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'number' && Number.isInteger(v)) markFloat(value, k);
      else markParsedFloats(v);
    }
  }
}

/**
 * A TOML table as JS: a plain object (not an array, Date or class instance). Objects from
 * another realm (a vm context, a jest sandbox) count too: their prototype is that realm's
 * Object.prototype, a root prototype.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

/** A Date, from this realm or another one. */
export function isDate(value: unknown): value is Date {
  return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]';
}
