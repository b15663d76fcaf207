/**
 * `[runners.docker]` value shapes: memory sizes, CPU counts, the Docker host address, pull
 * policies that allowed_pull_policies forbids, and an empty image.
 */
import type { TomlValue } from '../schema-types';
import { Ctx, has, indexPath, isUnresolved, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';

/** Docker's RAMInBytes: a number with an optional unit b, k, m, g, t, p (and optional "b"/"ib"). */
const MEMORY_RE = /^\d+(\.\d+)?\s?([kmgtp]i?b?|b)?$/i;

function memoryRule(allowMinusOne: boolean) {
  return (value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void => {
    const text = strValue(value);
    if (text === undefined || text === '' || MEMORY_RE.test(text) || (allowMinusOne && text === '-1')) return;
    ctx.error(
      path,
      `got ${show(value, path)}, expected a size such as "512m" or "2g" (units b, k, m, g)${allowMinusOne ? ' or "-1" for unlimited' : ''}. Fix: write the size as a number with a unit, e.g. "2g".`,
    );
  };
}

function checkCpus(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const text = strValue(value);
  if (text === undefined || text === '') return;
  if (/^\d+(\.\d+)?$/.test(text) && Number(text) > 0) return;
  ctx.error(path, `got ${show(value, path)}, expected a positive number of CPUs as a string, e.g. "1.5". Fix: write the number of CPUs, e.g. "2".`);
}

function checkCpuset(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const text = strValue(value);
  if (text === undefined || text === '') return;
  if (/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) return;
  ctx.error(path, `got ${show(value, path)}, expected a CPU list such as "0-3" or "0,2". Fix: write CPU numbers and ranges separated by commas.`);
}

function checkHost(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const text = strValue(value);
  if (text === undefined || text === '') return;
  if (/^(unix|tcp|npipe|ssh|fd|http|https):\/\/\S+$/.test(text)) return;
  const fix = /^[\w.-]+:\d+$/.test(text) ? `write ${JSON.stringify(`tcp://${text}`)}` : 'write a Docker host address such as "unix:///var/run/docker.sock" or "tcp://10.0.0.5:2376"';
  ctx.error(path, `got ${show(value, path)}, expected a Docker host address with scheme unix://, tcp://, npipe:// or ssh://. Fix: ${fix}.`);
}

function checkImage(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const text = strValue(value);
  if (text === undefined || text === '') return;
  if (/\s/.test(text)) {
    ctx.error(path, `got ${show(value, path)}, expected an image reference without whitespace. Fix: write ${JSON.stringify(text.trim())}.`);
  }
}

/** pull_policy values must be among allowed_pull_policies when that list is set. */
function checkPullPolicies(visit: Visit, ctx: Ctx): void {
  const t = visit.table;
  if (!has(t, 'pull_policy') || !has(t, 'allowed_pull_policies')) return;
  const allowed = t.allowed_pull_policies;
  if (!Array.isArray(allowed) || isUnresolved(allowed) || allowed.some((v) => isUnresolved(v))) return;
  const policies = typeof t.pull_policy === 'string' ? [t.pull_policy] : Array.isArray(t.pull_policy) ? t.pull_policy : [];
  policies.forEach((p: TomlValue, i: number) => {
    if (typeof p !== 'string' || isUnresolved(p) || allowed.includes(p)) return;
    const path = typeof t.pull_policy === 'string' ? `${visit.path}.pull_policy` : indexPath(`${visit.path}.pull_policy`, i);
    ctx.error(
      path,
      `got ${show(p, path)}, which allowed_pull_policies (${show(allowed, `${visit.path}.allowed_pull_policies`)}) does not allow; jobs fail with a pull policy error. Fix: add ${show(p, path)} to allowed_pull_policies, or remove it from pull_policy.`,
    );
  });
}

export const dockerRules: RuleSet = {
  keys: {
    'runners.docker/image': [checkImage],
    'runners.docker/memory': [memoryRule(false)],
    'runners.docker/memory_swap': [memoryRule(true)],
    'runners.docker/memory_reservation': [memoryRule(false)],
    'runners.docker/service_memory': [memoryRule(false)],
    'runners.docker/service_memory_swap': [memoryRule(true)],
    'runners.docker/service_memory_reservation': [memoryRule(false)],
    'runners.docker/cpus': [checkCpus],
    'runners.docker/service_cpus': [checkCpus],
    'runners.docker/cpuset_cpus': [checkCpuset],
    'runners.docker/service_cpuset_cpus': [checkCpuset],
    'runners.docker/cpuset_mems': [checkCpuset],
    'runners.docker/host': [checkHost],
  },
  sections: {
    'runners.docker': [checkPullPolicies],
  },
};
