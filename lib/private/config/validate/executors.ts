/**
 * Per-executor requirements of a `[[runners]]` entry (sections and keys each executor needs) and
 * executor sections that the chosen executor never reads.
 */
import { childTable, Ctx, has, joinPath, keySpec, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';

const DOCKER_EXECUTORS = ['docker', 'docker-windows', 'docker+machine', 'docker-autoscaler'];

/** Which executors read each executor section of `[[runners]]`. */
const SECTION_READERS: Readonly<Record<string, readonly string[]>> = {
  docker: DOCKER_EXECUTORS,
  machine: ['docker+machine'],
  autoscaler: ['docker-autoscaler', 'instance'],
  instance: ['instance'],
  custom: ['custom'],
  ssh: ['ssh', 'parallels', 'virtualbox'],
  parallels: ['parallels'],
  virtualbox: ['virtualbox'],
  kubernetes: ['kubernetes'],
};

function quoteList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function checkExecutorNeeds(visit: Visit, ctx: Ctx): void {
  const runner = visit.table;
  const executor = strValue(runner.executor);
  // Unknown executors get an enum error; guessing what they need would only add noise.
  if (executor === undefined || !(keySpec('runners', 'executor')?.enum ?? []).includes(executor)) return;
  const at = (key: string) => joinPath(visit.path, key);

  if (DOCKER_EXECUTORS.includes(executor)) {
    const docker = childTable(runner, 'docker');
    if (!has(runner, 'docker')) {
      ctx.error(at('docker'), `got nothing, but executor "${executor}" needs [runners.docker] with image (the default job image). Fix: add [runners.docker] with image, e.g. "alpine:3.20".`);
    } else if (docker && !has(docker, 'image')) {
      ctx.error(joinPath(at('docker'), 'image'), `got nothing, but executor "${executor}" needs image (the default job image). Fix: set image, e.g. "alpine:3.20".`);
    } else if (docker && strValue(docker.image) === '') {
      ctx.error(joinPath(at('docker'), 'image'), `got "", but executor "${executor}" needs a default job image. Fix: set image, e.g. "alpine:3.20".`);
    }
  }
  if (executor === 'docker+machine' && !has(runner, 'machine')) {
    ctx.error(at('machine'), 'got nothing, but executor "docker+machine" needs [runners.machine] with MachineDriver and MachineName. Fix: add [runners.machine].');
  }
  if ((executor === 'docker-autoscaler' || executor === 'instance') && !has(runner, 'autoscaler')) {
    ctx.error(at('autoscaler'), `got nothing, but executor "${executor}" needs [runners.autoscaler] with plugin (the fleeting plugin). Fix: add [runners.autoscaler].`);
  }
  if (executor === 'custom' && !has(runner, 'custom')) {
    ctx.error(at('custom'), 'got nothing, but executor "custom" needs [runners.custom] with run_exec. Fix: add [runners.custom].');
  }
  if (executor === 'ssh') {
    const ssh = childTable(runner, 'ssh');
    if (!ssh || !has(ssh, 'host')) {
      ctx.error(joinPath(at('ssh'), 'host'), 'got nothing, but executor "ssh" needs [runners.ssh] host. Fix: set [runners.ssh] host.');
    }
  }

  for (const [section, readers] of Object.entries(SECTION_READERS)) {
    if (!has(runner, section) || readers.includes(executor)) continue;
    const header = section === 'kubernetes' ? '[runners.kubernetes]' : `[runners.${section}]`;
    ctx.warn(
      at(section),
      `is ignored because executor is ${JSON.stringify(executor)}; ${header} is read only by ${quoteList(readers)}. ` +
        `Fix: remove ${header}, or set executor to ${readers.length === 1 ? JSON.stringify(readers[0]) : `one of ${quoteList(readers)}`}.`,
    );
  }
}

export const executorRules: RuleSet = {
  sections: {
    runners: [checkExecutorNeeds],
  },
};
