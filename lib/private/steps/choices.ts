/**
 * Checks of the choice props (`engine`, `bootstrap`, `docker`, `runnerSource`), which are
 * objects made by static factories. A structural check (no instanceof: works across package
 * copies and a cdktn build): the object must carry one of the factories' values and, for the
 * engine, its methods. A hand-made `{ mode: "snap" }` would otherwise pass synth and fail on the host.
 */
import { GitlabRunnerError } from '../../errors';

interface Choice {
  /** The field the factories set. */
  readonly field: string;
  /** The values the factories give it. */
  readonly values: readonly string[];
  /** Methods the object must have. */
  readonly methods?: readonly string[];
  /** The factories, for the message. */
  readonly factories: string;
}

const CHOICES: Readonly<Record<string, Choice>> = {
  engine: { field: 'resourceType', values: ['null_resource', 'terraform_data'], methods: ['selfTrigger', 'selfValue'], factories: 'StepEngine.nullResource() or StepEngine.terraformData()' },
  bootstrap: { field: 'mode', values: ['full', 'certs-only'], factories: 'MachineBootstrap.fullMachine() or MachineBootstrap.certificatesOnly()' },
  docker: { field: 'mode', values: ['distro', 'docker-repo', 'skip'], factories: 'DockerSource.distroPackages(), DockerSource.dockerRepository() or DockerSource.preinstalled()' },
  runnerSource: { field: 'mode', values: ['repository', 'binary', 'preinstalled'], factories: 'RunnerInstallSource.packageRepository(), RunnerInstallSource.binary({ url, sha256 }) or RunnerInstallSource.preinstalled()' },
};

/** Throws GitlabRunnerError when a choice prop of `props` (those named in `names`) was not made by its factories. */
export function checkChoices(props: object, names: readonly (keyof typeof CHOICES)[]): void {
  for (const name of names) {
    const value = (props as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const c = CHOICES[name];
    const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    const given = record?.[c.field];
    const ok = record !== undefined && typeof given === 'string' && c.values.includes(given) && (c.methods ?? []).every((m) => typeof record[m] === 'function');
    if (ok) continue;
    const shown = record && typeof given === 'string' ? `an object with ${c.field} ${JSON.stringify(given)}` : JSON.stringify(value) ?? String(value);
    throw GitlabRunnerError.at(name, `got ${shown}, expected ${c.factories}. Fix: use one of those factories.`);
  }
}
