/**
 * docker+machine: `[runners.machine]` required keys, MachineName / MachineOptions shapes, and
 * combinations of idle settings that make another setting meaningless (F07).
 *
 * How the runner scales (executors/docker/machine/provider.go): it creates machines while the
 * idle ones are fewer than IdleCount and the total is below `limit`; an idle machine is removed
 * when it was last used more than IdleTime seconds ago and at least IdleCount machines are idle;
 * a machine that ran MaxBuilds jobs is removed when released. So with IdleCount = 0, IdleTime is
 * still meaningful: it is how long a used machine waits for the next job before removal.
 */
import type { TomlValue } from '../schema-types';
import { credentialEntryName, redactAt } from '../secrets';
import { checkCredentialEntry } from './credential-entries';
import { Ctx, has, indexPath, intValue, isUnresolved, joinPath, numValue, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';

/** "runner-" + up to 9 token characters + "-" + "<10-digit unix time>-<8 hex>". */
const MACHINE_NAME_OVERHEAD = 7 + 9 + 1 + 19;

/** docker-machine's host name rule (libmachine/host): letters, digits, dots and dashes. */
const MACHINE_NAME_CHARS = /^[a-zA-Z0-9][a-zA-Z0-9.-]*$/;

function executorOf(visit: Visit): string | undefined {
  return strValue(visit.runner?.executor);
}

function checkMachineName(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const name = strValue(value);
  if (name === undefined) return;
  const verbs = name.replace(/%%/g, '').match(/%./g) ?? [];
  const placeholders = verbs.filter((v) => v === '%s').length;
  const others = verbs.filter((v) => v !== '%s');
  if (placeholders !== 1 || others.length > 0) {
    const problem =
      others.length > 0
        ? `it contains ${others.map((v) => JSON.stringify(v)).join(', ')}, which the runner does not fill`
        : placeholders === 0
          ? 'it has none, so every machine would get the same name'
          : `it has ${placeholders} and the runner fills only the first`;
    const base = name.replace(/%%/g, '').replace(/%./g, '') || 'auto';
    ctx.error(path, `got ${show(value, path)}, expected a name containing %s exactly once (replaced by a unique id); ${problem}. Fix: write ${JSON.stringify(`${base.replace(/-+$/, '')}-%s`)}.`);
    return;
  }
  const sample = name.replace(/%%/g, '%').replace('%s', 'x');
  // Machine names are "runner-<8-9 chars of the token>-" + MachineName with %s = "<unix time>-<8 hex>"
  // (executors/docker/machine/name.go): about 34 characters more than MachineName.
  const length = name.length - 2 + MACHINE_NAME_OVERHEAD;
  if (MACHINE_NAME_CHARS.test(sample) && length > 63) {
    ctx.warn(
      path,
      `makes machine names of about ${length} characters (the runner adds "runner-<token prefix>-" and a 19-character id); ` +
        `host names longer than 63 characters are rejected by some drivers (e.g. google) and by DNS. Fix: shorten MachineName to ${63 - MACHINE_NAME_OVERHEAD + 2} characters or less.`,
    );
  }
  if (!MACHINE_NAME_CHARS.test(sample)) {
    const parts = name.split('%s').map((part) => part.replace(/%%/g, '%').replace(/[^a-zA-Z0-9.-]/g, '-').replace(/-{2,}/g, '-'));
    parts[0] = parts[0].replace(/^[^a-zA-Z0-9]+/, '');
    const fixed = (parts.join('%s').replace(/-+$/, '') || 'auto-%s').replace(/^%s/, 'auto-%s');
    ctx.error(
      path,
      `got ${show(value, path)}, but docker-machine names may only contain letters, digits, dots and dashes (and start with a letter or digit). ` +
        `Fix: write ${JSON.stringify(fixed)}.`,
    );
  }
}

/** The problem with one MachineOptions entry (`key=value` or `flag`), plus its corrected form. */
export function machineOptionProblem(entry: string, needsName: boolean): { problem: string; fix?: string; fixText?: string } | undefined {
  if (entry.trim() === '') return { problem: 'it is empty' };
  // one entry is one docker-machine argument; a line break would make it two in the bootstrap
  if (/[\u0000-\u001f\u007f]/.test(entry)) {
    const parts = entry.split(/[\u0000-\u001f\u007f]+/).map((p) => p.trim()).filter((p) => p !== '');
    // the parts are listed only when none can be a credential's value (messages never show one)
    const listed = parts.length > 1 && credentialEntryName(entry) === undefined && parts.every((p) => credentialEntryName(p) === undefined);
    return { problem: 'it contains a line break or another control character', fixText: `write each option as an entry of its own${listed ? `: ${parts.map((p) => JSON.stringify(p)).join(', ')}` : ', without control characters'}` };
  }
  if (entry.startsWith('-')) {
    const fixed = entry.replace(/^-+/, '');
    return { problem: 'it starts with a dash, but the runner adds "--" itself', fix: fixed };
  }
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(key)) {
    const fixed = eq < 0 ? entry.trim() : `${key.trim()}=${entry.slice(eq + 1).trim()}`;
    const problem = /\s/.test(key) ? 'the option name contains whitespace' : 'the option name is not a driver flag name';
    return { problem, fix: fixed !== entry && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(fixed.split('=')[0]) ? fixed : undefined };
  }
  if (needsName && !entry.includes('%s')) return { problem: 'it has no %s, which the runner replaces with the machine name' };
  return undefined;
}

function optionsRule(needsName: boolean) {
  return (value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void => {
    if (!Array.isArray(value)) return;
    value.forEach((entry: TomlValue, i: number) => {
      if (typeof entry === 'string') checkCredentialEntry(entry, indexPath(path, i), ctx, 'MachineOptions');
      if (typeof entry !== 'string' || isUnresolved(entry)) return;
      const found = machineOptionProblem(entry, needsName);
      if (!found) return;
      const shape = needsName ? 'key=value containing %s' : 'key=value or flag (without leading dashes)';
      const at = indexPath(path, i);
      const fix = found.fix !== undefined ? `write ${JSON.stringify(redactAt(at, found.fix))}` : found.fixText !== undefined ? String(redactAt(at, found.fixText)) : needsName ? 'add %s where the machine name goes' : 'write it as key=value, e.g. "amazonec2-region=eu-central-1"';
      ctx.error(at, `got ${show(entry, at)}, expected ${shape}; ${found.problem}. Fix: ${fix}.`);
    });
  };
}

function checkDriver(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const driver = strValue(value);
  if (driver === undefined) return;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(driver)) {
    const fixed = driver.trim();
    const fix = fixed !== driver && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(fixed) ? `write ${JSON.stringify(fixed)}` : 'write a docker-machine driver name, e.g. "amazonec2" or "google"';
    ctx.error(path, `got ${show(value, path)}, expected a docker-machine driver name (letters, digits, dashes). Fix: ${fix}.`);
  }
}

/** `[runners.machine]`: required keys for docker+machine and idle-setting combinations. */
function checkMachineSection(visit: Visit, ctx: Ctx): void {
  const t = visit.table;
  if (executorOf(visit) === 'docker+machine') {
    if (!has(t, 'MachineDriver')) {
      ctx.error(joinPath(visit.path, 'MachineDriver'), 'got nothing, but executor "docker+machine" needs MachineDriver (the docker-machine driver). Fix: set MachineDriver, e.g. "amazonec2".');
    }
    if (!has(t, 'MachineName')) {
      ctx.error(joinPath(visit.path, 'MachineName'), 'got nothing, but executor "docker+machine" needs MachineName containing %s (replaced by a unique id). Fix: set MachineName, e.g. "auto-scale-%s".');
    }
  }
  checkIdleCombination(t, visit.path, visit.runner, ctx);
}

/**
 * Idle settings of `[runners.machine]` or of one autoscaling entry (which replaces IdleCount,
 * IdleTime, IdleScaleFactor and IdleCountMin while it applies).
 */
function checkIdleCombination(t: Record<string, TomlValue>, path: string, runner: Visit['runner'], ctx: Ctx): void {
  const idleCount = has(t, 'IdleCount') ? intValue(t.IdleCount) : 0;
  const idleTime = has(t, 'IdleTime') ? intValue(t.IdleTime) : 0;
  const factor = has(t, 'IdleScaleFactor') ? numValue(t.IdleScaleFactor) : 0;
  const machine = path.endsWith('.machine') ? t : undefined;
  const maxBuilds = machine && has(machine, 'MaxBuilds') ? intValue(machine.MaxBuilds) : undefined;
  if (machine && idleCount === 0 && idleTime === 0 && maxBuilds !== undefined && maxBuilds > 1) {
    ctx.warn(
      joinPath(path, 'MaxBuilds'),
      `is ${maxBuilds}, but with IdleCount = 0 and IdleTime = 0 every machine is removed as soon as it is idle, so it never runs a second job and MaxBuilds has no effect. ` +
        'Fix: set IdleTime (seconds a used machine waits for the next job) to reuse machines, or remove MaxBuilds.',
    );
  }
  if (factor !== undefined && factor > 0 && idleCount === 0) {
    ctx.warn(
      joinPath(path, 'IdleScaleFactor'),
      `is ${show(t.IdleScaleFactor, joinPath(path, 'IdleScaleFactor'))}, but IdleCount is 0 and IdleCount caps the idle machines the factor asks for, so no idle machine is ever created. ` +
        'Fix: set IdleCount to the largest number of idle machines you want, or remove IdleScaleFactor.',
    );
  }
  const idleMin = has(t, 'IdleCountMin') ? intValue(t.IdleCountMin) : undefined;
  if (factor !== undefined && factor > 0 && idleCount !== undefined && idleCount > 0 && idleMin !== undefined && idleMin > idleCount) {
    ctx.warn(
      joinPath(path, 'IdleCountMin'),
      `is ${idleMin}, above IdleCount = ${idleCount}; IdleCount caps the idle machines, so the minimum is never reached. Fix: set IdleCountMin to ${idleCount} or less.`,
    );
  }
  // 0 and 1 (the default) change nothing either way; register writes IdleCountMin = 0.
  if (idleMin !== undefined && idleMin > 1 && !(factor !== undefined && factor > 0) && !isUnresolved(t.IdleScaleFactor)) {
    ctx.warn(joinPath(path, 'IdleCountMin'), `is ${idleMin}, but it only applies when IdleScaleFactor > 0. Fix: set IdleScaleFactor, or remove IdleCountMin.`);
  }
  const limit = runner ? intValue(runner.limit) : undefined;
  if (limit !== undefined && limit > 0 && idleCount !== undefined && idleCount > limit) {
    ctx.warn(
      joinPath(path, 'IdleCount'),
      `is ${idleCount}, above the runner's limit = ${limit}; limit caps all machines, so at most ${limit} can be idle. Fix: lower IdleCount to ${limit} or raise limit.`,
    );
  }
}

/**
 * `[[runners.machine.autoscaling]]` entry: Periods present, idle combination. (A missing Timezone
 * is not reported here: the model pins "UTC" when it is unset.)
 */
function checkAutoscalingEntry(visit: Visit, ctx: Ctx): void {
  if (!has(visit.table, 'Periods')) {
    ctx.warn(
      joinPath(visit.path, 'Periods'),
      'got nothing, so this [[runners.machine.autoscaling]] entry never applies. Fix: add Periods, e.g. ["* * 8-18 * * mon-fri *"].',
    );
  }
  checkIdleCombination(visit.table, visit.path, visit.runner, ctx);
}

export const machineRules: RuleSet = {
  keys: {
    'runners.machine/MachineName': [checkMachineName],
    'runners.machine/MachineDriver': [checkDriver],
    'runners.machine/MachineOptions': [optionsRule(false)],
    'runners.machine/MachineOptionsWithName': [optionsRule(true)],
  },
  sections: {
    'runners.machine': [checkMachineSection],
    'runners.machine.autoscaling': [checkAutoscalingEntry],
  },
};
