/**
 * Test helpers for the config model: a type-exact view of parsed TOML, so integer vs float,
 * datetimes and -0 are compared, not just JS equality.
 */
import { parse, TomlDate } from 'smol-toml';

/**
 * Parses TOML (integers as bigint) and returns a JSON-comparable tree where every scalar carries
 * its TOML type: `int:5`, `float:5`, `float:-0`, `float:NaN`, `str:...`, `bool:true`,
 * `date:<instant ms>`.
 */
export function typedParse(text: string): unknown {
  return typed(parse(text, { integersAsBigInt: true }));
}

/** The same typed view of an in-memory data tree as the TOML written for it should read back. */
export function typed(value: unknown): unknown {
  if (typeof value === 'bigint') return `int:${value}`;
  if (typeof value === 'number') return `float:${Object.is(value, -0) ? '-0' : String(value)}`;
  if (typeof value === 'string') return `str:${value}`;
  if (typeof value === 'boolean') return `bool:${value}`;
  if (value instanceof TomlDate || value instanceof Date) return `date:${value.getTime()}`;
  if (Array.isArray(value)) return value.map(typed);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = typed((value as Record<string, unknown>)[k]);
    return out;
  }
  throw new Error(`not TOML: ${String(value)}`);
}

/** Lines of a rendering, for "contains this exact line" assertions. */
export function lines(text: string): string[] {
  return text.split('\n');
}
