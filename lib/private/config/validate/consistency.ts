/**
 * Warnings about settings that contradict each other across the file: concurrent vs the runners'
 * limits, idle machines that can never get a job, zero values that mean "default", duplicate
 * runner names, shutdown time too short for instance deletion. Plus `checkStopTimeout` for the
 * service construct (F13).
 */
import type { Diagnostic } from '../../../errors';
import type { TomlTable, TomlValue } from '../schema-types';
import { childTable, Ctx, has, intValue, isTable, isUnresolved, joinPath, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';

const AUTOSCALING_EXECUTORS = ['docker+machine', 'docker-autoscaler', 'instance'];

function runnersOf(root: TomlTable): { runner: TomlTable; path: string }[] {
  const list = root.runners;
  if (!Array.isArray(list)) return [];
  const out: { runner: TomlTable; path: string }[] = [];
  list.forEach((r: TomlValue, i: number) => {
    if (isTable(r)) out.push({ runner: r, path: `runners[${i}]` });
  });
  return out;
}

function checkConcurrent(root: TomlTable, ctx: Ctx): void {
  if (has(root, 'concurrent') && intValue(root.concurrent) === undefined) return; // unresolved or already an error
  const concurrent = has(root, 'concurrent') ? (intValue(root.concurrent) as number) : 1;
  const shown = has(root, 'concurrent') ? `is ${concurrent}` : 'got nothing (the runner uses 1)';
  const runners = runnersOf(root);
  if (runners.length === 0 || concurrent < 1) return;
  const limits = runners.map(({ runner }) => (has(runner, 'limit') ? intValue(runner.limit) : 0));
  if (limits.some((l) => l === undefined)) return;
  const sum = (limits as number[]).filter((l) => l > 0).reduce((a, b) => a + b, 0);
  if (sum > concurrent) {
    ctx.warn(
      'concurrent',
      `${shown}, lower than the sum of the runners' limit values (${sum}); concurrent caps the jobs of all runners together, so the limits can never all be used. ` +
        `Fix: raise concurrent to ${sum}, or lower the limits.`,
    );
    return;
  }
  if (runners.length > concurrent) {
    ctx.warn(
      'concurrent',
      `${shown}, lower than the number of [[runners]] entries (${runners.length}), so some runners wait while others run jobs. Fix: raise concurrent to at least ${runners.length}.`,
    );
    return;
  }
  const unlimited = runners.find(
    ({ runner }, i) => limits[i] === 0 && AUTOSCALING_EXECUTORS.includes(strValue(runner.executor) ?? ''),
  );
  if (unlimited && concurrent === 1) {
    ctx.warn(
      'concurrent',
      `${shown}, so ${unlimited.path} (executor ${JSON.stringify(strValue(unlimited.runner.executor))}, limit = 0: no limit of its own) never runs more than one job at a time and autoscaling has nothing to scale. ` +
        'Fix: set concurrent to the number of jobs you want to run at once.',
    );
  }
}

/** Idle machines beyond what concurrent (or the limit) lets the runner use. */
function checkIdleVsConcurrent(root: TomlTable, ctx: Ctx): void {
  const concurrent = has(root, 'concurrent') ? intValue(root.concurrent) : 1;
  if (concurrent === undefined) return;
  for (const { runner, path } of runnersOf(root)) {
    if (strValue(runner.executor) !== 'docker+machine') continue;
    const limit = has(runner, 'limit') ? intValue(runner.limit) : 0;
    if (limit === undefined || limit > 0) continue; // limit > 0 is checked in machine.ts
    const machine = childTable(runner, 'machine');
    const idle = machine && has(machine, 'IdleCount') ? intValue(machine.IdleCount) : undefined;
    if (idle !== undefined && idle > concurrent) {
      ctx.warn(
        joinPath(joinPath(path, 'machine'), 'IdleCount'),
        `is ${idle}, above concurrent = ${concurrent}; at most ${concurrent} jobs run at once, so ${idle - concurrent} idle machines never get a job. ` +
          `Fix: lower IdleCount to ${concurrent}, or raise concurrent.`,
      );
    }
  }
}

/** Keys whose 0 means "use the default". */
function checkZeroMeansDefault(root: TomlTable, ctx: Ctx): void {
  const zeroes: [string, number][] = [
    ['check_interval', 3],
    ['shutdown_timeout', 30],
  ];
  for (const [key, fallback] of zeroes) {
    if (has(root, key) && intValue(root[key]) === 0) {
      ctx.warn(key, `is 0, which the runner replaces with its default of ${fallback} seconds. Fix: write ${fallback} (or the value you mean), or remove ${key}.`);
    }
  }
}

function checkDuplicateNames(root: TomlTable, ctx: Ctx): void {
  const seen = new Map<string, string>();
  for (const { runner, path } of runnersOf(root)) {
    const name = strValue(runner.name);
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, path);
      continue;
    }
    ctx.warn(
      joinPath(path, 'name'),
      `is ${show(name, joinPath(path, 'name'))}, the same as ${first}.name; commands that select a runner by name (unregister, reset-token) act on the first match only, and logs and metrics mix them up. ` +
        'Fix: give each runner its own name.',
    );
  }
}

/** Instance deletion on shutdown needs shutdown_timeout to cover its retries. */
function checkShutdownDeletion(root: TomlTable, ctx: Ctx): void {
  const timeout = has(root, 'shutdown_timeout') ? intValue(root.shutdown_timeout) : 30;
  if (timeout === undefined) return;
  const effective = timeout <= 0 ? 30 : timeout;
  for (const { runner, path } of runnersOf(root)) {
    const autoscaler = childTable(runner, 'autoscaler');
    if (!autoscaler || autoscaler.delete_instances_on_shutdown !== true) continue;
    const interval = has(autoscaler, 'shutdown_deletion_interval') ? durationSeconds(autoscaler.shutdown_deletion_interval) : 10;
    const retries = has(autoscaler, 'shutdown_deletion_retries') ? intValue(autoscaler.shutdown_deletion_retries) : 3;
    if (interval === undefined || retries === undefined) continue;
    const needed = interval * retries;
    if (needed > effective) {
      ctx.warn(
        joinPath(joinPath(path, 'autoscaler'), 'delete_instances_on_shutdown'),
        `is true, but deleting instances may take shutdown_deletion_interval x shutdown_deletion_retries = ${needed} seconds while shutdown_timeout allows ${effective}; ` +
          'the process exits first and leaves instances behind. ' +
          `Fix: raise shutdown_timeout to ${Math.ceil(needed)} or more.`,
      );
    }
  }
}

/**
 * The custom executor's kill sequence (SIGTERM, graceful_kill_timeout, SIGKILL, force_kill_timeout)
 * must fit in shutdown_timeout, or a forceful shutdown exits before the job processes are gone.
 */
function checkCustomKill(root: TomlTable, ctx: Ctx): void {
  const timeout = has(root, 'shutdown_timeout') ? intValue(root.shutdown_timeout) : 30;
  if (timeout === undefined) return;
  const effective = timeout <= 0 ? 30 : timeout;
  for (const { runner, path } of runnersOf(root)) {
    if (strValue(runner.executor) !== 'custom') continue;
    const custom = childTable(runner, 'custom');
    // Only when one of the three is set: the runner's own defaults (600 + 600 > 30) would warn on every custom runner.
    if (!custom || !(has(root, 'shutdown_timeout') || has(custom, 'graceful_kill_timeout') || has(custom, 'force_kill_timeout'))) continue;
    const graceful = has(custom, 'graceful_kill_timeout') ? intValue(custom.graceful_kill_timeout) : 600;
    const force = has(custom, 'force_kill_timeout') ? intValue(custom.force_kill_timeout) : 600;
    if (graceful === undefined || force === undefined || graceful + force <= effective) continue;
    ctx.warn(
      joinPath(path, 'custom'),
      `graceful_kill_timeout (${graceful} s) + force_kill_timeout (${force} s) = ${graceful + force} seconds, more than shutdown_timeout (${effective} s); ` +
        "on a forceful shutdown the runner exits before the job's processes are stopped. " +
        `Fix: raise shutdown_timeout to ${graceful + force}, or lower the kill timeouts.`,
    );
  }
}

/** Seconds of a Go duration string, or undefined. */
export function durationSeconds(value: TomlValue | undefined): number | undefined {
  if (typeof value !== 'string' || isUnresolved(value)) return undefined;
  if (value === '0') return 0;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let rest = value;
  while (rest !== '') {
    const m = /^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

function checkRoot(visit: Visit, ctx: Ctx): void {
  checkConcurrent(visit.root, ctx);
  checkIdleVsConcurrent(visit.root, ctx);
  checkZeroMeansDefault(visit.root, ctx);
  checkDuplicateNames(visit.root, ctx);
  checkShutdownDeletion(visit.root, ctx);
  checkCustomKill(visit.root, ctx);
}

/**
 * For the service construct (F13): a warning when the service's stop timeout is shorter than the
 * longest job timeout, so stopping the service (upgrade, reboot) kills running jobs.
 */
export function checkStopTimeout(path: string, stopTimeoutSeconds: number, longestJobTimeoutSeconds: number): Diagnostic | undefined {
  if (isUnresolved(stopTimeoutSeconds) || isUnresolved(longestJobTimeoutSeconds)) return undefined;
  if (stopTimeoutSeconds >= longestJobTimeoutSeconds) return undefined;
  return {
    level: 'warning',
    path,
    message:
      `is ${stopTimeoutSeconds} seconds, shorter than the longest job timeout (${longestJobTimeoutSeconds} seconds); a graceful stop (SIGQUIT) waits for running jobs, ` +
      `but systemd kills the runner after the stop timeout, so longer jobs are lost on upgrade or restart. Fix: set it to at least ${longestJobTimeoutSeconds} seconds.`,
  };
}

export const consistencyRules: RuleSet = {
  sections: {
    '': [checkRoot],
  },
};
