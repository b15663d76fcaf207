/**
 * Enumerated string values: every key the schema gives an `enum`, plus list keys whose
 * elements share another key's enum (allowed_pull_policies).
 */
import type { KeySpec, TomlValue } from '../schema-types';
import { Ctx, indexPath, isUnresolved, keySpec, show } from './context';
import { caseInsensitiveMatch, closest } from './suggest';

/** Keys without a schema enum whose values share another key's enum. `section/key` -> values. */
export const EXTRA_ENUMS: Readonly<Record<string, readonly string[]>> = {
  'runners.docker/allowed_pull_policies': keySpec('runners.docker', 'pull_policy')?.enum ?? [],
};

const EXTRA_KEYS = new Set(Object.keys(EXTRA_ENUMS).map((id) => id.split('/')[1]));

export function enumOf(section: string, spec: KeySpec): readonly string[] | undefined {
  if (spec.enum) return spec.enum;
  return EXTRA_KEYS.has(spec.key) ? EXTRA_ENUMS[`${section}/${spec.key}`] : undefined;
}

/** Keys where an empty string is a documented value (cache Type "" = no cache). */
const EMPTY_ALLOWED = new Set(['runners.cache/Type']);

function checkOne(value: TomlValue, path: string, allowed: readonly string[], ctx: Ctx): void {
  if (typeof value !== 'string' || isUnresolved(value) || allowed.includes(value)) return;
  const near = caseInsensitiveMatch(value.trim(), allowed) ?? (allowed.includes(value.trim()) ? value.trim() : undefined) ?? closest(value, allowed);
  const fix = near ? `Did you mean ${JSON.stringify(near)}? Fix: write ${JSON.stringify(near)}.` : 'Fix: use one of these values.';
  ctx.error(path, `got ${show(value, path)}, expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}. ${fix}`);
}

/** Checks a well-typed value (string, or each element of a string array) against its enum. */
export function checkEnum(value: TomlValue, path: string, section: string, spec: KeySpec, ctx: Ctx): void {
  const allowed = enumOf(section, spec);
  if (!allowed) return;
  if (typeof value === 'string' && allowed.includes(value)) return;
  if (value === '' && EMPTY_ALLOWED.has(`${section}/${spec.key}`)) return;
  if (Array.isArray(value)) value.forEach((v: TomlValue, i: number) => checkOne(v, indexPath(path, i), allowed, ctx));
  else checkOne(value, path, allowed, ctx);
}
