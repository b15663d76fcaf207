/**
 * Allowed ranges of numeric keys. Integer keys not listed here must be >= 0 (counts, limits,
 * timeouts, sizes); float keys not listed must be finite and >= 0. Keyed `section/key`.
 */

export interface NumericRange {
  readonly min: number;
  readonly max?: number;
  /** Why the bounds are what they are, appended to the message when useful. */
  readonly note?: string;
}

/** Go `int` on the 64-bit platforms the runner ships for. */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

const RANGES: Readonly<Record<string, NumericRange>> = {
  '/concurrent': { min: 1, note: 'the runner exits at start when concurrent is 0' },
  'runners/request_concurrency': { min: 1 },
  'machine.shutdown_drain/concurrency': { min: 1 },
  'runners.docker/oom_score_adjust': { min: -1000, max: 1000 },
  'runners.docker/services_limit': { min: -1, note: '-1 means no limit' },
  'runners.docker/wait_for_services_timeout': { min: -1, note: '-1 disables the wait' },
  'runners.docker/network_mtu': { min: 0, max: 65535 },
  'runners.autoscaler.connector_config/protocol_port': { min: 0, max: 65535, note: '0 means the protocol default' },
  'runners.autoscaler.vm_isolation.connector_config/protocol_port': { min: 0, max: 65535, note: '0 means the protocol default' },
};

/** `section/key` of every key with its own range (for tests). */
export const RANGED_KEYS: readonly string[] = Object.keys(RANGES);

const DEFAULT_RANGE: NumericRange = { min: 0 };
const RANGE_INDEX = new Map<string, Map<string, NumericRange>>();
for (const [id, range] of Object.entries(RANGES)) {
  const [section, key] = id.split('/');
  if (!RANGE_INDEX.has(section)) RANGE_INDEX.set(section, new Map());
  RANGE_INDEX.get(section)?.set(key, range);
}

/** The range of an integer or float key. */
export function rangeOf(section: string, key: string): NumericRange {
  return RANGE_INDEX.get(section)?.get(key) ?? DEFAULT_RANGE;
}

/** "from 1 to 65535" / ">= 0". */
export function describeRange(range: NumericRange): string {
  return range.max === undefined ? `>= ${range.min}` : `from ${range.min} to ${range.max}`;
}
