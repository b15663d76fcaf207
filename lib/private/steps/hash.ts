/** Stable hashing for step triggers: same input, same hex on every machine. */
import { createHash } from 'crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with object keys sorted, so equal data always gives equal text. */
export function stableJson(value: unknown, mapLeaf: (leaf: unknown) => unknown = (v) => v): string {
  return JSON.stringify(sortKeys(value, mapLeaf));
}

function sortKeys(value: unknown, mapLeaf: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, mapLeaf));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key], mapLeaf);
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return mapLeaf(value);
}
