/**
 * Lookup tables over the generated key table: sections by dotted name, keys by TOML spelling
 * and by prop name. Built once at module load; pure data.
 */
import { SECTIONS } from './schema.generated';
import type { KeySpec, SectionSpec } from './schema-types';

export interface SectionIndex {
  readonly spec: SectionSpec;
  /** TOML key -> spec, in struct order (Map keeps insertion order). */
  readonly byKey: ReadonlyMap<string, KeySpec>;
  /** camelCase prop -> spec (removed and rawOnly keys have no prop). */
  readonly byProp: ReadonlyMap<string, KeySpec>;
  /** TOML key -> position in struct order (for canonical ordering). */
  readonly order: ReadonlyMap<string, number>;
}

const INDEX = new Map<string, SectionIndex>();
for (const spec of SECTIONS) {
  const byKey = new Map<string, KeySpec>();
  const byProp = new Map<string, KeySpec>();
  const order = new Map<string, number>();
  spec.keys.forEach((k, i) => {
    byKey.set(k.key, k);
    order.set(k.key, i);
    if (!k.removed && !k.rawOnly) byProp.set(k.prop, k);
  });
  INDEX.set(spec.name, { spec, byKey, byProp, order });
}

/** The section with this dotted name ('' = global), or undefined when we do not enumerate it. */
export function sectionIndex(name: string): SectionIndex | undefined {
  return INDEX.get(name);
}

/** The global section's index. */
export const ROOT_SECTION: SectionIndex = INDEX.get('')!;

/** Sections whose key set is open (plugin_config): any key, any TOML value. */
export function isFreeFormSection(name: string): boolean {
  return INDEX.get(name)?.spec.freeForm === true;
}

/** True when a key is written as a bare key in TOML (`A-Za-z0-9_-`). */
export function isBareKey(key: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(key);
}

/**
 * Appends a key to a diagnostic path: `runners[0].docker` + `image`. Keys that are not bare TOML
 * keys are quoted (`sysctls."net.ipv4.ip_forward"`).
 */
export function joinPath(base: string, key: string): string {
  const part = isBareKey(key) ? key : JSON.stringify(key);
  return base ? `${base}.${part}` : part;
}
