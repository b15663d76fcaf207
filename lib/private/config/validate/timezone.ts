/**
 * IANA time zones of autoscaling periods (`Timezone` in [[runners.machine.autoscaling]],
 * `timezone` in [[runners.autoscaler.policy]]). The runner loads them with Go's
 * time.LoadLocation, which is case-sensitive on Linux. `Local` (and "", which the runner turns
 * into `Local`, helpers/timeperiod) depends on the host clock.
 */
import type { TomlValue } from '../schema-types';
import { Ctx, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';
import { closest } from './suggest';

/** Zone names Go accepts that ICU does not list as canonical. */
const EXTRA_ZONES = ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'UCT', 'Zulu', 'Etc/Zulu', 'Universal', 'Etc/Universal'];

let zoneCache: readonly string[] | undefined;
let zoneSet: ReadonlySet<string> | undefined;

/** Canonical IANA names (from the runtime's ICU) plus the UTC aliases, sorted. */
export function knownTimeZones(): readonly string[] {
  if (!zoneCache) {
    const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    zoneCache = [...new Set([...EXTRA_ZONES, ...listed])].sort();
  }
  return zoneCache;
}

function acceptedByIcu(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Suggestion for a bad zone name: same name in another case, close spelling, or a matching city. */
function suggestZone(zone: string): string | undefined {
  const zones = knownTimeZones();
  const lower = zone.toLowerCase();
  const sameCase = zones.find((z) => z.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const near = closest(zone, zones);
  if (near) return near;
  const city = lower.replace(/ /g, '_');
  const cities = zones.map((z) => (z.split('/').pop() as string).toLowerCase());
  const exactCity = cities.indexOf(city);
  if (exactCity >= 0) return zones[exactCity];
  const nearCity = closest(city, cities);
  return nearCity === undefined ? undefined : zones[cities.indexOf(nearCity)];
}

/** Checks a time zone name. */
export function checkTimeZone(value: TomlValue, path: string, ctx: Ctx): void {
  const zone = strValue(value);
  if (zone === undefined) return;
  if (zone === 'Local') {
    ctx.warn(
      path,
      'is "Local", so the periods follow the time zone of whatever host runs the runner (often UTC on cloud images). ' +
        'Fix: write the IANA zone you mean, e.g. "Europe/Berlin", or "UTC".',
    );
    return;
  }
  if (zone === '') {
    ctx.warn(
      path,
      'is empty, which the runner reads as "Local": the periods follow the time zone of whatever host runs the runner. ' +
        'Fix: write the IANA zone you mean, e.g. "Europe/Berlin", or "UTC".',
    );
    return;
  }
  zoneSet ??= new Set(knownTimeZones());
  if (zoneSet.has(zone)) return;
  const suggestion = suggestZone(zone);
  // An alias ICU resolves (e.g. US/Pacific) with the exact spelling is fine for Go as well.
  if (acceptedByIcu(zone) && !(suggestion && suggestion.toLowerCase() === zone.toLowerCase())) return;
  const fix = suggestion ? `Did you mean ${JSON.stringify(suggestion)}? Fix: write ${JSON.stringify(suggestion)}.` : 'Fix: write an IANA time zone name such as "UTC" or "Europe/Berlin".';
  ctx.error(path, `got ${show(value, path)}, not an IANA time zone name; the runner fails to load it. ${fix}`);
}

function timezoneRule(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  checkTimeZone(value, path, ctx);
}

export const timezoneRules: RuleSet = {
  keys: {
    'runners.machine.autoscaling/Timezone': [timezoneRule],
    'runners.autoscaler.policy/timezone': [timezoneRule],
  },
};
