/**
 * GitlabRunnerManager: the whole seed procedure on one bastion, as ordered Terraform steps.
 *
 *   prepare -> docker -> runner install -> docker-machine -> service drop-in -> bootstrap
 *   -> secrets -> registration -> config.toml -> service enabled and started; teardown at destroy.
 */
import { Annotations, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Bastion, BastionProps } from './bastion';
import { RunnerConfigProps, RunnerProps } from './config/props.generated';
import { RunnerConfig } from './config/runner-config';
import { DockerMachineProps, resolveDockerMachine, ResolvedDockerMachine } from './docker-machine-install';
import { DockerSource } from './docker-source';
import { GitlabRunnerError } from './errors';
import { MachineBootstrap } from './machine-bootstrap';
import { isUnresolved } from './private/framework';
import { ensureProviders, scriptBundleRef, writeRedactedCopy } from './private/steps/wiring';
import { createTeardown, materializeSteps } from './private/steps/materialize';
import { allConstructs, checkOneOwnerPerHost, checkSameStack, isBastion, isSupportServices, sameHost } from './private/steps/host-owners';
import { checkChoices } from './private/steps/choices';
import { BASTION_PROPS, CACHE_SERVER_PROPS, checkKnownProps, REGISTRY_MIRROR_PROPS } from './private/steps/known-props';
import { planManager, ManagerPlan, PlannedStep } from './private/steps/manager-plan';
import { RunnerInstallSource } from './runner-install-source';
import { RunnerToken } from './runner-token';
import { StepEngine } from './step-engine';
import { CacheServerProps, RegistryMirrorProps, SupportServices } from './support-services';

/** One `[[runners]]` entry managed on the bastion. */
export interface ManagedRunnerProps {
  /** How the runner gets its token: `RunnerToken.authenticationToken(ref)` or `RunnerToken.registrationToken(ref, options)`. */
  readonly token: RunnerToken;
  /**
   * Everything of the `[[runners]]` entry except `token`: `name` (required, unique on the
   * bastion), `url`, `executor`, `docker`, `machine`, `cache`, ...
   */
  readonly config: RunnerProps;
}

export interface GitlabRunnerManagerProps {
  /** The host: an existing `Bastion`, or its props. */
  readonly bastion: Bastion | BastionProps;
  /** GitLab Runner version to install, pinned (e.g. "19.3.0"). Changing it is a graceful upgrade. */
  readonly runnerVersion: string;
  /** Where the runner comes from. @default RunnerInstallSource.packageRepository() */
  readonly runnerSource?: RunnerInstallSource;
  /** How Docker is installed. @default DockerSource.distroPackages() */
  readonly docker?: DockerSource;
  /** Docker Machine (GitLab's fork). Required when a runner uses the docker+machine executor. @default - not installed */
  readonly dockerMachine?: DockerMachineProps;
  /** One-time docker-machine bootstrap before the first start (F01). @default MachineBootstrap.fullMachine() */
  readonly bootstrap?: MachineBootstrap;
  /** Global config.toml keys (`concurrent`, `check_interval`, `listen_address`, ...). @default - none */
  readonly global?: Omit<RunnerConfigProps, 'runners'>;
  /** The runners on this bastion (at least one). */
  readonly runners: ManagedRunnerProps[];
  /**
   * systemd `TimeoutStopSec`: how long a graceful stop (SIGQUIT) may wait for running jobs
   * before systemd kills them. Must cover the longest job.
   * @default 7200
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * The longest job you expect (GitLab's job timeout); a warning is printed at synth when
   * `stopTimeoutSeconds` is shorter, since an upgrade would then kill that job.
   * @default the largest registration `maximumTimeoutSeconds`, else 3600 (GitLab's default job timeout)
   */
  readonly longestJobSeconds?: number;
  /** Which resource type carries the steps. @default StepEngine.nullResource() */
  readonly engine?: StepEngine;
  /**
   * Prefix of every autoscaled machine name this manager owns; teardown removes exactly the
   * machines whose names start with it (F14). Each docker+machine runner's `MachineName`
   * must start with it; unset names default to `<prefix>-%s`.
   * @default "glr-" + this construct's id, lowercased
   */
  readonly machineNamePrefix?: string;
  /** systemd service name. @default "gitlab-runner" */
  readonly serviceName?: string;
  /** Service user (`gitlab-runner install --user`). @default "gitlab-runner" */
  readonly serviceUser?: string;
  /** Working directory of the service. @default "/home/gitlab-runner" */
  readonly workingDirectory?: string;
  /** config.toml path on the host. @default "/etc/gitlab-runner/config.toml" */
  readonly configPath?: string;
  /** Docker Machine state (`MACHINE_STORAGE_PATH`) of the service. @default "/root/.docker/machine" */
  readonly machineStoragePath?: string;
  /**
   * Where a secret-redacted copy of config.toml is written on the machine running Terraform
   * (for CI artifacts), relative to the stack's working directory; `false` for none.
   * @default "<id>.config.redacted.toml"
   */
  readonly redactedConfigFile?: string | false;
  /** How many machines teardown removes in parallel. @default 4 */
  readonly teardownConcurrency?: number;
  /**
   * A pull-through registry mirror on the bastion, added to every docker+machine runner's
   * MachineOptions. @default - none
   */
  readonly registryMirror?: RegistryMirrorProps;
  /**
   * A MinIO S3 cache server on the bastion; runners without a `cache` section use it.
   * @default - none
   */
  readonly cacheServer?: CacheServerProps;
  /**
   * A registry mirror and/or cache server on another host (a `SupportServices`), shared with
   * other managers: wired into the runners like `registryMirror` / `cacheServer`, and config.toml
   * is written only after they are up. @default - none
   */
  readonly supportServices?: SupportServices;
}

const VERSION = /^\d+\.\d+\.\d+$/;

const MANAGER_PROPS = [
  'bastion', 'runnerVersion', 'runnerSource', 'docker', 'dockerMachine', 'bootstrap', 'global', 'runners',
  'stopTimeoutSeconds', 'longestJobSeconds', 'engine', 'machineNamePrefix', 'serviceName', 'serviceUser',
  'workingDirectory', 'configPath', 'machineStoragePath', 'redactedConfigFile', 'teardownConcurrency',
  'registryMirror', 'cacheServer', 'supportServices',
];

export class GitlabRunnerManager extends Construct {
  public readonly bastion: Bastion;
  public readonly engine: StepEngine;
  public readonly runnerVersion: string;
  public readonly stopTimeoutSeconds: number;
  public readonly machineNamePrefix: string;
  public readonly configPath: string;
  public readonly serviceName: string;
  /** The model of the rendered config.toml (tokens are references). */
  public readonly config: RunnerConfig;
  /** config.toml with every secret replaced by `[REDACTED]`: what reviewers and logs see. */
  public readonly redactedConfig: string;
  /** The steps in the order they run. */
  public readonly steps: readonly PlannedStep[];
  /** The Terraform resources of the steps, by step id. */
  public readonly resources: { readonly [stepId: string]: TerraformResource };
  /** The local redacted copy's file name (relative to the stack's directory), if any. */
  public readonly redactedConfigFileName?: string;

  constructor(scope: Construct, id: string, props: GitlabRunnerManagerProps) {
    super(scope, id);
    checkKnownProps(props, MANAGER_PROPS, '');
    if (props.bastion && !isBastion(props.bastion)) checkKnownProps(props.bastion, BASTION_PROPS, 'bastion');
    if (props.dockerMachine) checkKnownProps(props.dockerMachine, ['version', 'url', 'sha256', 'insecureSkipChecksum', 'drivers'], 'dockerMachine');
    (Array.isArray(props.runners) ? props.runners : []).forEach((r, i) => checkKnownProps(r, ['token', 'config'], `runners[${i}]`));
    if (props.registryMirror) checkKnownProps(props.registryMirror, REGISTRY_MIRROR_PROPS, 'registryMirror');
    if (props.cacheServer) checkKnownProps(props.cacheServer, CACHE_SERVER_PROPS, 'cacheServer');
    const services = checkSupportServices(this, props);
    checkChoices(props, ['engine', 'bootstrap', 'docker', 'runnerSource']);
    this.engine = props.engine ?? StepEngine.nullResource();
    this.bastion = isBastion(props.bastion) ? props.bastion : new Bastion(this, 'bastion', props.bastion);
    this.runnerVersion = checkVersion(props.runnerVersion);
    this.stopTimeoutSeconds = checkWhole(props.stopTimeoutSeconds ?? 7200, 'stopTimeoutSeconds', 1);
    this.machineNamePrefix = checkPrefix(props.machineNamePrefix ?? `glr-${id.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`);
    this.configPath = checkAbsolutePath(props.configPath ?? '/etc/gitlab-runner/config.toml', 'configPath');
    this.serviceName = props.serviceName ?? 'gitlab-runner';
    checkLiteral(this.serviceName, 'serviceName', '"gitlab-runner"');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(this.serviceName)) {
      throw GitlabRunnerError.at('serviceName', `got ${JSON.stringify(this.serviceName)}, expected a systemd unit name of letters, digits, "_", ".", "@" or "-". Fix: serviceName: "gitlab-runner".`);
    }
    const source = props.runnerSource ?? RunnerInstallSource.packageRepository();
    if (source.mode === 'repository') {
      // The package's own unit reads /etc/gitlab-runner/config.toml as service gitlab-runner.
      const fixed: [string, unknown, string][] = [
        ['configPath', props.configPath, '/etc/gitlab-runner/config.toml'],
        ['serviceName', props.serviceName, 'gitlab-runner'],
        ['serviceUser', props.serviceUser, 'gitlab-runner'],
        ['workingDirectory', props.workingDirectory, '/home/gitlab-runner'],
      ];
      for (const [name, value, wanted] of fixed) {
        if (value !== undefined && value !== wanted) {
          throw GitlabRunnerError.at(name, `got ${JSON.stringify(value)}, but the package repository's service always uses ${JSON.stringify(wanted)}; the value would be ignored. Fix: remove ${name}, or install with RunnerInstallSource.binary({ url, sha256 }), whose service this library creates.`);
        }
      }
    }
    checkAbsolutePath(props.machineStoragePath ?? '/root/.docker/machine', 'machineStoragePath');
    checkAbsolutePath(props.workingDirectory ?? '/home/gitlab-runner', 'workingDirectory');
    if (props.longestJobSeconds !== undefined) checkWhole(props.longestJobSeconds, 'longestJobSeconds', 1);
    if (this.stopTimeoutSeconds > 31_536_000) {
      throw GitlabRunnerError.at('stopTimeoutSeconds', `got ${this.stopTimeoutSeconds}, expected at most 31536000 (a year). Fix: stopTimeoutSeconds: 7200 (or the longest job's timeout).`);
    }
    if (props.redactedConfigFile !== undefined && props.redactedConfigFile !== false
      && (typeof props.redactedConfigFile !== 'string' || !/^[A-Za-z0-9_.\/-]*[A-Za-z0-9_.-]$/.test(props.redactedConfigFile) || props.redactedConfigFile.startsWith('/') || props.redactedConfigFile.split('/').some((part) => part === '..' || part === '.'))) {
      throw GitlabRunnerError.at('redactedConfigFile', `got ${JSON.stringify(props.redactedConfigFile)}, expected a relative file name inside the stack's folder (letters, digits, ".", "_", "-" and "/", no "." or ".." folder), or false. Fix: redactedConfigFile: "${id}.config.redacted.toml".`);
    }
    checkUniqueOnStack(this, id, props);
    checkOneOwnerPerHost(this, this.bastion, false);
    const teardownConcurrency = checkWhole(props.teardownConcurrency ?? 4, 'teardownConcurrency', 1);

    if (!Array.isArray(props.runners) || props.runners.length === 0) {
      throw GitlabRunnerError.at('runners', `got ${JSON.stringify(props.runners)}, expected at least one runner. Fix: runners: [{ token: RunnerToken.authenticationToken(tokenVar.stringValue), config: { name: "docker", url: "https://gitlab.com", executor: "docker+machine", ... } }].`);
    }
    const usesMachine = props.runners.some((r) => r?.config?.executor === 'docker+machine');
    let dockerMachine: ResolvedDockerMachine | undefined;
    if (props.dockerMachine) dockerMachine = resolveDockerMachine(props.dockerMachine, 'dockerMachine');
    else if (usesMachine) {
      throw GitlabRunnerError.at('dockerMachine', 'is required because a runner uses the docker+machine executor. Fix: dockerMachine: { version: "v0.16.2-gitlab.48", sha256: "<sha256 of the binary>" }.');
    }

    const plan: ManagerPlan = planManager({
      id,
      runnerVersion: this.runnerVersion,
      runnerSource: source,
      docker: props.docker ?? DockerSource.distroPackages(),
      dockerMachine,
      bootstrap: props.bootstrap ?? MachineBootstrap.fullMachine(),
      global: props.global ?? {},
      runners: props.runners,
      stopTimeoutSeconds: this.stopTimeoutSeconds,
      machineNamePrefix: this.machineNamePrefix,
      serviceName: this.serviceName,
      serviceUser: checkUnixUser(props.serviceUser ?? 'gitlab-runner', 'serviceUser'),
      workingDirectory: props.workingDirectory ?? '/home/gitlab-runner',
      configPath: this.configPath,
      machineStoragePath: props.machineStoragePath ?? '/root/.docker/machine',
      teardownConcurrency,
      hostIdentity: `${this.bastion.user}@${this.bastion.host}:${this.bastion.port}`,
      uploadUser: this.bastion.user,
      scriptBundleRef: scriptBundleRef(this),
      registryMirror: props.registryMirror,
      cacheServer: props.cacheServer,
      remoteServices: services ? { path: services.node.path, registryMirror: services.registryMirror, cacheServer: services.cacheServer } : undefined,
    });
    this.config = plan.config;
    this.redactedConfig = plan.redactedConfig;
    this.steps = plan.steps;

    for (const w of plan.warnings) Annotations.of(this).addWarning(`${w.path}: ${w.message}`);
    const placeholders: [string, string | undefined][] = [['dockerMachine.sha256', dockerMachine?.sha256], ['runnerSource.sha256', props.runnerSource?.sha256]];
    for (const [path, sha] of placeholders) {
      if (sha !== undefined && /^(.)\1{63}$/.test(sha)) {
        Annotations.of(this).addWarning(`${path}: got ${sha.slice(0, 8)}... (one repeated digit), which looks like a placeholder; the deploy will stop at the checksum check. Fix: download the binary once from a trusted source and pin the output of sha256sum.`);
      }
    }
    const longest = props.longestJobSeconds ?? plan.longestRegisteredJobSeconds ?? 3600;
    if (this.stopTimeoutSeconds < longest) {
      Annotations.of(this).addWarning(`stopTimeoutSeconds: ${this.stopTimeoutSeconds} is shorter than the longest job (${longest} s); a graceful stop or upgrade would let systemd kill that job after ${this.stopTimeoutSeconds} s. Fix: stopTimeoutSeconds: ${longest} or more.`);
    }

    ensureProviders(this, this.engine, props.redactedConfigFile !== false);
    const resources = materializeSteps(this, this.engine, this.bastion, plan.steps, services ? { config: services.ready } : {});
    const teardown = createTeardown(this, this.bastion, plan.teardownScript, Object.values(resources), 'stop the service, remove owned machines, unregister', 'bastion');
    if (teardown) resources.teardown = teardown;
    this.resources = resources;

    this.redactedConfigFileName = props.redactedConfigFile === false ? undefined : props.redactedConfigFile ?? `${id}.config.redacted.toml`;
    if (props.redactedConfigFile !== false) {
      writeRedactedCopy(this, this.engine, props.redactedConfigFile ?? `${id}.config.redacted.toml`, this.redactedConfig, resources.config);
    }
  }
}

/** The SupportServices a manager uses, checked: a service may come from one place only. */
function checkSupportServices(self: GitlabRunnerManager, props: GitlabRunnerManagerProps): SupportServices | undefined {
  const services = props.supportServices;
  if (services === undefined) return undefined;
  if (!isSupportServices(services)) {
    throw GitlabRunnerError.at('supportServices', 'expected a SupportServices construct (new SupportServices(this, "services", { host, registryMirror, cacheServer })). Fix: pass the construct, or use registryMirror / cacheServer for services on this bastion.');
  }
  checkSameStack(self, services);
  for (const key of ['registryMirror', 'cacheServer'] as const) {
    if (props[key] && services[key]) {
      throw GitlabRunnerError.at(key, `is set while supportServices ${JSON.stringify(services.node.path)} also runs a ${key === 'registryMirror' ? 'registry mirror' : 'cache server'}; the runners can use only one. Fix: remove ${key}, or remove it from the SupportServices.`);
    }
  }
  return services;
}

function checkVersion(v: unknown): string {
  if (isUnresolved(v)) {
    throw GitlabRunnerError.at('runnerVersion', 'got a deploy-time reference, expected a literal pinned version: the version decides which steps re-run. Fix: runnerVersion: "19.3.0".');
  }
  if (typeof v !== 'string' || !VERSION.test(v)) {
    throw GitlabRunnerError.at('runnerVersion', `got ${JSON.stringify(v)}, expected a pinned version X.Y.Z such as "19.3.0" ("latest" is not a pin and would upgrade unannounced). Fix: runnerVersion: "19.3.0".`);
  }
  return v;
}

/**
 * Props that name files, units, users or machines on the host, or size its steps, must be
 * literals: they are part of the step scripts and decide which steps re-run.
 */
function checkLiteral(v: unknown, path: string, example: string): void {
  if (isUnresolved(v)) {
    throw GitlabRunnerError.at(path, `got a deploy-time reference, expected a literal value known at synth: ${path} is written into the step scripts and decides which steps re-run. Fix: ${path}: ${example}.`);
  }
}

const WHOLE_EXAMPLES: Readonly<Record<string, number>> = { stopTimeoutSeconds: 7200, longestJobSeconds: 3600, teardownConcurrency: 4 };

function checkWhole(v: unknown, path: string, min: number): number {
  checkLiteral(v, path, String(WHOLE_EXAMPLES[path] ?? min));
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(v)}, expected a whole number >= ${min}. Fix: ${path}: ${Math.max(min, Math.round(Number(v)) || min)}.`);
  }
  return v;
}

/** A Linux user name (useradd's default rule): the service runs as it and scripts pass it to useradd. */
function checkUnixUser(value: unknown, path: string): string {
  checkLiteral(value, path, '"gitlab-runner"');
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(value)}, expected a Linux user name (lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters). Fix: ${path}: "gitlab-runner".`);
  }
  return value;
}

function checkAbsolutePath(value: unknown, path: string): string {
  checkLiteral(value, path, `"${path === 'configPath' ? '/etc/gitlab-runner/config.toml' : path === 'workingDirectory' ? '/home/gitlab-runner' : '/root/.docker/machine'}"`);
  if (typeof value !== 'string' || !/^\/[^\s'"$`\\]*$/.test(value) || value.split('/').includes('..')) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(value)}, expected an absolute path without spaces, quotes, "$" or "..". Fix: ${path}: "${path === 'configPath' ? '/etc/gitlab-runner/config.toml' : path === 'workingDirectory' ? '/home/gitlab-runner' : '/root/.docker/machine'}".`);
  }
  return value;
}

/**
 * Two managers on one host would overwrite each other's config.toml, secrets and state; two
 * machine-name prefixes where one starts the other would let teardown remove the other's machines.
 */
function checkUniqueOnStack(self: GitlabRunnerManager, id: string, props: GitlabRunnerManagerProps): void {
  const isManager = (c: unknown): c is GitlabRunnerManager => c !== self && typeof (c as GitlabRunnerManager).machineNamePrefix === 'string' && (c as GitlabRunnerManager).bastion !== undefined;
  // one host, one manager, in the whole app (two stacks deploying to one host clash just the same)
  for (const other of allConstructs(self).filter(isManager)) {
    if (sameHost(other.bastion, self.bastion)) {
      throw GitlabRunnerError.at('bastion.host', `got ${JSON.stringify(self.bastion.host)}:${self.bastion.port}, which manager ${JSON.stringify(other.node.path)} already provisions${other.bastion.host === self.bastion.host ? '' : ` (as ${JSON.stringify(other.bastion.host)})`}; two managers on one host overwrite each other's config.toml, secrets and service. Fix: put both runners in one manager's runners list.`);
    }
  }
  for (const other of TerraformStack.of(self).node.findAll().filter(isManager)) {
    const [a, c] = [`${self.machineNamePrefix}-`, `${other.machineNamePrefix}-`];
    // runner-<short token>-<prefix>-...: a prefix that ends another after a dash ("ci" in
    // "prod-ci") could be read as token + prefix, so that overlaps too
    if (a.startsWith(c) || c.startsWith(a) || a.includes(`-${c}`) || c.includes(`-${a}`)) {
      throw GitlabRunnerError.at('machineNamePrefix', `got ${JSON.stringify(self.machineNamePrefix)}, which overlaps the prefix ${JSON.stringify(other.machineNamePrefix)} of manager ${JSON.stringify(other.node.path)}: teardown of one would remove the other's machines. Fix: machineNamePrefix: "glr-${id.toLowerCase()}-x" or another prefix that neither starts nor contains the other.`);
    }
    const file = (p: GitlabRunnerManagerProps, i: string) => (p.redactedConfigFile === false ? undefined : p.redactedConfigFile ?? `${i}.config.redacted.toml`);
    if (file(props, id) !== undefined && file(props, id) === other.redactedConfigFileName) {
      throw GitlabRunnerError.at('redactedConfigFile', `got ${JSON.stringify(file(props, id))}, which manager ${JSON.stringify(other.node.path)} writes too. Fix: redactedConfigFile: "${id}-2.config.redacted.toml".`);
    }
  }
}

function checkPrefix(p: unknown): string {
  checkLiteral(p, 'machineNamePrefix', '"glr-ci"');
  if (typeof p !== 'string' || !/^[a-z0-9][a-z0-9-]{1,40}$/.test(p)) {
    throw GitlabRunnerError.at('machineNamePrefix', `got ${JSON.stringify(p)}, expected 2-41 lowercase letters, digits or dashes (machine names are host names). Fix: machineNamePrefix: "glr-ci".`);
  }
  return p;
}
