/**
 * docker-autoscaler / instance: `[runners.autoscaler]` needs a plugin; policy idle capacity that
 * the instance limits can never provide. (Cron and time zones of policies: cron.ts, timezone.ts.)
 */
import type { TomlValue } from '../schema-types';
import { childTables, Ctx, has, intValue, joinPath, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';

const AUTOSCALER_EXECUTORS = ['docker-autoscaler', 'instance'];

function checkPlugin(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const plugin = strValue(value);
  if (plugin === undefined) return;
  if (plugin.trim() === '' || /\s/.test(plugin)) {
    const fixed = plugin.trim();
    const fix = fixed !== '' && !/\s/.test(fixed) ? `write ${JSON.stringify(fixed)}` : 'write a plugin reference such as "aws:latest", "googlecloud:1.0" or "fleeting-plugin-aws"';
    ctx.error(path, `got ${show(value, path)}, expected a fleeting plugin reference without whitespace. Fix: ${fix}.`);
  }
}

function checkAutoscalerSection(visit: Visit, ctx: Ctx): void {
  const t = visit.table;
  const executor = strValue(visit.runner?.executor);
  if (executor !== undefined && AUTOSCALER_EXECUTORS.includes(executor) && !has(t, 'plugin')) {
    ctx.error(
      joinPath(visit.path, 'plugin'),
      `got nothing, but executor "${executor}" needs plugin (the fleeting plugin that creates instances). Fix: set plugin, e.g. "aws:latest", and run gitlab-runner fleeting install.`,
    );
  }
  const maxInstances = intValue(t.max_instances);
  const capacity = has(t, 'capacity_per_instance') ? intValue(t.capacity_per_instance) : 1;
  if (maxInstances === undefined || maxInstances <= 0 || capacity === undefined || capacity <= 0) return;
  const slots = maxInstances * capacity;
  const limit = intValue(visit.runner?.limit);
  if (limit !== undefined && limit > slots) {
    ctx.warn(
      joinPath(visit.runnerPath ?? '', 'limit'),
      `is ${limit}, but max_instances = ${maxInstances} x capacity_per_instance = ${capacity} gives only ${slots} job slots, so jobs beyond ${slots} wait. ` +
        `Fix: lower limit to ${slots}, or raise max_instances.`,
    );
  }
  childTables(t, 'policy').forEach((policy, i) => {
    const idle = intValue(policy.idle_count);
    if (idle !== undefined && idle > slots) {
      ctx.warn(
        joinPath(`${joinPath(visit.path, 'policy')}[${i}]`, 'idle_count'),
        `is ${idle}, but idle_count counts job slots and max_instances = ${maxInstances} x capacity_per_instance = ${capacity} gives only ${slots}. ` +
          `Fix: lower idle_count to ${slots} or less, or raise max_instances.`,
      );
    }
  });
}

export const autoscalerRules: RuleSet = {
  keys: {
    'runners.autoscaler/plugin': [checkPlugin],
  },
  sections: {
    'runners.autoscaler': [checkAutoscalerSection],
  },
};
