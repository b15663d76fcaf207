/**
 * The steps of a GitlabRunnerManager as plain data: ids, order, scripts, triggers. Pure apart
 * from the config model; the construct only materializes what this returns.
 */
import { RunnerConfigProps, RunnerProps } from '../../config/props.generated';
import { RunnerConfig, SecretRef } from '../../config/runner-config';
import { ResolvedDockerMachine } from '../../docker-machine-install';
import { DockerSource } from '../../docker-source';
import { Diagnostic, GitlabRunnerError } from '../../errors';
import { MachineBootstrap } from '../../machine-bootstrap';
import { RunnerInstallSource } from '../../runner-install-source';
import { RunnerToken } from '../../runner-token';
import { CacheServerProps, checkPortNumber, checkSupportAddress, RegistryMirrorProps } from '../../support-services';
import { deployTimePlaceholder, fingerprint, isUnresolved, referencesFingerprint, referencesIn, withoutReferences } from '../framework';
import { buildScriptBundle, buildStepScript, HOST_SCRIPTS_PATH, readHostScript } from '../scripts/step-script';
import { sha256Hex, stableJson } from './hash';

export const STATE_DIR = '/var/lib/cdktf-gitlab-runner';
export const STAGE_DIR = `${STATE_DIR}/stage`;
export const SECRETS_DIR = `${STATE_DIR}/secrets`;

export interface PlannedStep {
  /** Construct id of the step's resource (public API: keep stable). */
  readonly id: string;
  /** What the step does, in one line (for previews). */
  readonly description: string;
  /** The full script run by remote-exec. */
  readonly script: string;
  /** Steps that must have run first. */
  readonly dependsOn: readonly string[];
  /** Stable strings; a change re-runs the step. */
  readonly triggers: { readonly [key: string]: string };
  /** Steps whose re-run (replacement) re-runs this one too. */
  readonly triggerOnReplace?: readonly string[];
  /** A secret uploaded to the staging folder before the script runs. */
  readonly upload?: { readonly content: string; readonly destination: string };
}

export interface ManagerPlanInput {
  readonly id: string;
  readonly runnerVersion: string;
  readonly runnerSource: RunnerInstallSource;
  readonly docker: DockerSource;
  readonly dockerMachine?: ResolvedDockerMachine;
  readonly bootstrap: MachineBootstrap;
  readonly global: Omit<RunnerConfigProps, 'runners'>;
  readonly runners: readonly { readonly token: RunnerToken; readonly config: RunnerProps }[];
  readonly stopTimeoutSeconds: number;
  readonly machineNamePrefix: string;
  readonly serviceName: string;
  readonly serviceUser: string;
  readonly workingDirectory: string;
  readonly configPath: string;
  readonly machineStoragePath: string;
  readonly teardownConcurrency: number;
  /** user@host:port; part of every trigger so a replaced host re-runs everything. */
  readonly hostIdentity: string;
  /** The SSH login user (owner of the staging folder). @default root */
  readonly uploadUser?: string;
  /**
   * Reference to the stack's one copy of the host scripts (buildScriptBundle()), which the
   * prepare step runs to install them. @default the bundle text itself
   */
  readonly scriptBundleRef?: string;
  readonly registryMirror?: RegistryMirrorProps;
  readonly cacheServer?: CacheServerProps;
}

export interface ManagerPlan {
  readonly steps: PlannedStep[];
  readonly config: RunnerConfig;
  /** config.toml with `@@GLR_SECRET:<name>@@` markers where secrets go. */
  readonly template: string;
  readonly redactedConfig: string;
  readonly teardownScript: string;
  readonly warnings: Diagnostic[];
  readonly longestRegisteredJobSeconds?: number;
}

const RUNNER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function planManager(input: ManagerPlanInput): ManagerPlan {
  const errors: Diagnostic[] = [];
  if (input.registryMirror) {
    checkSupportAddress(input.registryMirror.address, 'registryMirror.address');
    checkPortNumber(input.registryMirror.port, 'registryMirror.port');
  }
  if (input.cacheServer) {
    checkSupportAddress(input.cacheServer.address, 'cacheServer.address');
    checkPortNumber(input.cacheServer.port, 'cacheServer.port');
    for (const key of ['accessKey', 'secretKey'] as const) {
      if (!isUnresolved(input.cacheServer[key])) {
        throw GitlabRunnerError.at(`cacheServer.${key}`, 'got a literal secret, expected a sensitive Terraform variable or reference: a literal would be written into cdktf.out and state. Fix: new TerraformVariable(this, "cache_secret_key", { type: "string", sensitive: true }).stringValue.');
      }
    }
  }
  const names = new Map<number, string>();
  const runnerEntries: RunnerProps[] = input.runners.map((r, i) => {
    const path = `runners[${i}]`;
    if (!r || typeof r !== 'object' || !r.token || typeof r.token.kind !== 'string') {
      throw GitlabRunnerError.at(`${path}.token`, 'is required, expected RunnerToken.authenticationToken(ref) or RunnerToken.registrationToken(ref). Fix: token: RunnerToken.authenticationToken(tokenVar.stringValue).');
    }
    const config = r.config ?? {};
    if ('token' in config && (config as { token?: unknown }).token !== undefined) {
      errors.push({ level: 'error', path: `${path}.config.token`, message: 'is set in config as well as in token; the token comes only from the runner\'s token prop. Fix: remove config.token.' });
    }
    const name = config.name;
    if (typeof name !== 'string' || !RUNNER_NAME.test(name)) {
      errors.push({ level: 'error', path: `${path}.config.name`, message: `got ${JSON.stringify(name)}, expected a name of letters, digits, ".", "_" or "-" (the host keeps this runner's token and registration under it). Fix: name: "docker-autoscale".` });
    } else if ([...names.values()].some((n) => n.toLowerCase() === name.toLowerCase())) {
      errors.push({ level: 'error', path: `${path}.config.name`, message: `got ${JSON.stringify(name)} twice; runner names must be unique on a bastion. Fix: name: "${name}-2".` });
    } else {
      names.set(i, name);
    }
    const token = r.token.kind === 'authentication' ? r.token.value : deployTimePlaceholder(marker(runnerTokenSecret(name)));
    if (r.token.kind === 'authentication' && !isUnresolved(r.token.value) && typeof r.token.value === 'string' && !/\s/.test(r.token.value)) {
      errors.push({ level: 'error', path: `${path}.token`, message: 'got a literal token, expected a sensitive Terraform variable or reference: a literal would be written into cdktf.out and state. Fix: new TerraformVariable(this, "runner_token", { type: "string", sensitive: true }).stringValue.' });
    }
    const machine = withMirror(withMachineName(config, input.machineNamePrefix, path, errors), config, input.registryMirror, path, errors);
    return { ...config, machine, cache: config.cache ?? cacheFor(input.cacheServer), token };
  });

  const config = new RunnerConfig({ ...input.global, runners: runnerEntries } as RunnerConfigProps);
  const diagnostics = config.diagnostics();
  const all = [...diagnostics.filter((d) => d.level === 'error'), ...errors];
  const secretRefs = config.secrets();
  for (const ref of secretRefs) {
    if (ref.key !== 'token' && !isUnresolved(ref.value)) {
      all.push({ level: 'error', path: ref.path, message: 'got a literal secret, expected a sensitive Terraform variable or reference: a literal would be written into cdktf.out and state. Fix: new TerraformVariable(this, "cache_secret_key", { type: "string", sensitive: true }).stringValue.' });
    }
  }
  if (all.length > 0) throw new GitlabRunnerError(all);

  const secretName = (ref: SecretRef): string => {
    const runner = ref.runnerIndex !== undefined ? names.get(ref.runnerIndex) ?? String(ref.runnerIndex) : 'global';
    if (ref.key === 'token' && ref.runnerIndex !== undefined) return runnerTokenSecret(runner);
    const rest = ref.path.replace(/^runners\[\d+\]\./, '').replace(/[^A-Za-z0-9]+/g, '-');
    return `runner-${runner}-${rest}`.toLowerCase();
  };
  const template = config.render({ secret: (ref) => marker(secretName(ref)) });
  // Deploy-time values (references) may be sensitive: previews and the readable trigger show a
  // placeholder, and a Terraform-side sha256 of the values detects their changes.
  const redactedConfig = withoutReferences(config.renderRedacted(), DEPLOY_TIME);
  const injected = /@@GLR_SECRET:/.test(withoutReferences(config.renderRedacted(), ''));
  if (injected) {
    throw GitlabRunnerError.at('runners', 'a config value contains the text "@@GLR_SECRET:", the marker the host replaces with a secret file\'s content; a value could copy a token into a job\'s environment. Fix: remove that text from the value.');
  }

  const b = new StepBuilder(input.hostIdentity);
  // GLR_STATE_DIR and GLR_SECRETS_DIR are lib.sh's defaults (STATE_DIR, SECRETS_DIR): not repeated in every step.
  const common = {};
  const bundle = buildScriptBundle();
  b.add('prepare', `create the state, staging and secrets folders; install the host scripts in ${HOST_SCRIPTS_PATH}`, 'prepare', {
    ...common,
    GLR_STAGE_DIR: STAGE_DIR,
    GLR_UPLOAD_USER: input.uploadUser ?? 'root',
  }, [], { scripts_sha256: sha256Hex(bundle) }, undefined, undefined, input.scriptBundleRef ?? bundle);
  b.add('docker', 'install Docker', 'install-docker', { ...common, GLR_DOCKER_SOURCE: input.docker.mode }, ['prepare']);
  const supportSteps: string[] = [];
  if (input.registryMirror) {
    const m = input.registryMirror;
    b.add('registry-mirror', `pull-through registry mirror on ${m.address}:${m.port ?? 6000} (engine-registry-mirror in MachineOptions)`, 'install-registry-mirror', {
      ...common,
      GLR_MIRROR_PORT: String(m.port ?? 6000),
      GLR_MIRROR_REMOTE_URL: m.remoteUrl ?? 'https://registry-1.docker.io',
      GLR_MIRROR_IMAGE: m.image ?? 'registry:2',
      GLR_MIRROR_BIND_ADDRESS: m.bindToAddress === false ? '' : m.address,
    }, ['docker']);
    supportSteps.push('registry-mirror');
  }
  const service = {
    GLR_SERVICE_NAME: input.serviceName,
    GLR_SERVICE_USER: input.serviceUser,
    GLR_WORKING_DIR: input.workingDirectory,
    GLR_CONFIG_PATH: input.configPath,
  };
  b.add('runner', `install GitLab Runner ${input.runnerVersion} (${input.runnerSource.mode}); graceful stop/start around upgrades`, 'install-runner', {
    ...common,
    ...service,
    GLR_RUNNER_VERSION: input.runnerVersion,
    GLR_RUNNER_SOURCE: input.runnerSource.mode,
    GLR_RUNNER_URL: input.runnerSource.url ?? '',
    GLR_RUNNER_SHA256: input.runnerSource.sha256 ?? '',
    GLR_STOP_TIMEOUT_SECONDS: String(input.stopTimeoutSeconds),
  }, ['docker']);
  // The SIGQUIT drop-in exists before the service can ever start (F13).
  b.add('service-dropin', `systemd drop-in: KillSignal=SIGQUIT, TimeoutStopSec=${input.stopTimeoutSeconds}`, 'service-dropin', {
    ...common,
    GLR_SERVICE_NAME: input.serviceName,
    GLR_STOP_TIMEOUT_SECONDS: String(input.stopTimeoutSeconds),
    GLR_MACHINE_STORAGE_PATH: input.machineStoragePath,
  }, ['runner']);

  const beforeConfig: string[] = ['service-dropin'];
  const dm = input.dockerMachine;
  if (dm) {
    b.add('docker-machine', `install Docker Machine ${dm.version}${dm.skipVerify ? ' (UNVERIFIED: insecureSkipChecksum)' : ''}${dm.drivers.length ? ` and drivers ${dm.drivers.map((d) => d.name).join(', ')}` : ''}`, 'install-docker-machine', {
      ...common,
      GLR_DM_VERSION: dm.version,
      GLR_DM_URL: dm.url,
      GLR_DM_SHA256: dm.sha256 ?? '',
      GLR_DM_SKIP_VERIFY: dm.skipVerify ? '1' : '',
      GLR_DM_DRIVERS: dm.drivers.map((d) => `${d.name} ${d.url} ${d.sha256}`).join('\n'),
    }, ['runner']);
    const machineRunners = runnerEntries.map((r, i) => ({ r, i })).filter(({ r }) => r.executor === 'docker+machine');
    const targets = input.bootstrap.mode === 'certs-only' ? machineRunners.slice(0, 1) : machineRunners;
    let previous: string | undefined;
    for (const { r, i } of targets) {
      const full = input.bootstrap.mode === 'full';
      const driver = full ? String(r.machine?.machineDriver ?? '') : 'none';
      const options = full ? (r.machine?.machineOptions ?? []).map(String) : [];
      const id = input.bootstrap.mode === 'certs-only' ? 'bootstrap' : `bootstrap-${names.get(i)}`;
      const hash = hashOf(stableJson({ driver, options, mode: input.bootstrap.mode, storage: input.machineStoragePath }));
      b.add(id, `one docker-machine create (${full ? `driver ${driver}` : 'certificates only'}) + rm before the first start`, 'bootstrap-machine', {
        ...common,
        GLR_MACHINE_DRIVER: driver,
        GLR_MACHINE_OPTIONS: options.join('\n'),
        GLR_MACHINE_STORAGE_PATH: input.machineStoragePath,
        GLR_BOOTSTRAP_MODE: input.bootstrap.mode,
        // one machine name (and so one stored hash) per bootstrap step
        GLR_BOOTSTRAP_MACHINE: input.bootstrap.mode === 'certs-only' ? `${input.machineNamePrefix}-bootstrap` : `${input.machineNamePrefix}-bootstrap-${machineSafe(names.get(i) ?? String(i))}`,
        GLR_BOOTSTRAP_HASH: hash,
      }, previous ? [previous] : ['docker-machine', 'service-dropin']);
      previous = id;
    }
    if (previous) beforeConfig.push(previous);
    else beforeConfig.push('docker-machine');
  }

  const secretSteps: string[] = [];
  const addSecret = (name: string, value: string, kind: 'token' | 'generic', what: string): string => {
    const id = `secret-${name}`;
    const staged = `${STAGE_DIR}/${id}`;
    b.add(id, `upload ${what} to ${SECRETS_DIR}/${name} (0600)`, 'put-secret', {
      ...common,
      GLR_SECRET_NAME: name,
      GLR_SECRET_STAGED: staged,
      GLR_SECRET_KIND: kind,
    }, ['prepare'], { secret: fingerprint(value) }, { content: value, destination: staged });
    secretSteps.push(id);
    return id;
  };
  for (const ref of secretRefs) {
    const isLegacyToken = ref.key === 'token' && ref.runnerIndex !== undefined && input.runners[ref.runnerIndex].token.kind === 'registration';
    if (!isLegacyToken) addSecret(secretName(ref), ref.value, ref.key === 'token' ? 'token' : 'generic', ref.path);
  }
  if (input.cacheServer) {
    const c = input.cacheServer;
    const secrets = [addSecret('cache-access-key', c.accessKey, 'generic', 'cacheServer.accessKey'), addSecret('cache-secret-key', c.secretKey, 'generic', 'cacheServer.secretKey')];
    b.add('cache-server', `MinIO S3 cache on ${c.address}:${c.port ?? 9005}, bucket ${c.bucket ?? 'runner'}`, 'install-cache-server', {
      ...common,
      GLR_CACHE_PORT: String(c.port ?? 9005),
      GLR_CACHE_BUCKET: c.bucket ?? 'runner',
      GLR_CACHE_IMAGE: c.image ?? 'minio/minio:latest',
      GLR_CACHE_BIND_ADDRESS: c.bindToAddress === false ? '' : c.address,
      GLR_CACHE_ACCESS_KEY_SECRET: 'cache-access-key',
      GLR_CACHE_SECRET_KEY_SECRET: 'cache-secret-key',
    }, ['docker', ...secrets], {}, undefined, secrets);
    supportSteps.push('cache-server');
  }
  const registerSteps: string[] = [];
  let longest: number | undefined;
  input.runners.forEach((r, i) => {
    if (r.token.kind !== 'registration') return;
    const name = names.get(i)!;
    const regSecret = `runner-${name}-registration-token`;
    const regStep = addSecret(regSecret, r.token.value, 'token', `registration token of runner ${name}`);
    const id = `register-${name}`;
    b.add(id, `gitlab-runner register ${name} (legacy registration token; once)`, 'register', {
      ...common,
      GLR_URL: String(runnerEntries[i].url ?? ''),
      GLR_RUNNER_NAME: name,
      GLR_REGISTRATION_TOKEN_SECRET: regSecret,
      GLR_RUNNER_TOKEN_SECRET: runnerTokenSecret(name),
      GLR_REGISTER_ARGS: r.token.registerArgs().join('\n'),
    }, ['runner', regStep]);
    registerSteps.push(id);
    const max = r.token.options.maximumTimeoutSeconds;
    if (max !== undefined && !isUnresolved(max)) longest = Math.max(longest ?? 0, max);
  });

  const restartHash = hashOf(stableJson(restartSensitive(config)));
  const templatePath = `${STAGE_DIR}/config.toml.tmpl`;
  b.add('config', `write ${input.configPath} (0600, atomic); the runner reloads it within 3 s`, 'apply-config', {
    ...common,
    GLR_CONFIG_TEMPLATE: templatePath,
    GLR_CONFIG_PATH: input.configPath,
    GLR_RESTART_HASH: restartHash,
    GLR_SERVICE_NAME: input.serviceName,
  }, [...beforeConfig, ...supportSteps, ...secretSteps, ...registerSteps], withReferences({ config: withoutReferences(template, DEPLOY_TIME) }, 'config_references', template), { content: template, destination: templatePath }, [...secretSteps, ...registerSteps]);
  const plugins = [...new Set(runnerEntries.map((r) => r.autoscaler?.plugin).filter((p): p is string => typeof p === 'string'))];
  const beforeService = ['config'];
  if (plugins.length > 0) {
    // docker-autoscaler / instance runners need their fleeting plugin before they scale
    b.add('fleeting-plugins', `gitlab-runner fleeting install (${plugins.join(', ')})`, 'install-fleeting-plugins', {
      ...common,
      GLR_CONFIG_PATH: input.configPath,
      GLR_FLEETING_PLUGINS: plugins.join('\n'),
    }, ['config', 'runner']);
    beforeService.push('fleeting-plugins');
  }
  b.add('service', `enable and start ${input.serviceName} (only now that config.toml is final)`, 'enable-service', {
    ...common,
    GLR_SERVICE_NAME: input.serviceName,
    GLR_CONFIG_PATH: input.configPath,
  }, beforeService);

  const teardownScript = buildStepScript('teardown', {
    ...common,
    GLR_SERVICE_NAME: input.serviceName,
    GLR_MACHINE_PREFIX: `${input.machineNamePrefix}-`,
    GLR_MACHINE_STORAGE_PATH: input.machineStoragePath,
    GLR_TEARDOWN_CONCURRENCY: String(input.teardownConcurrency),
    GLR_CONFIG_PATH: input.configPath,
  }, { scripts: 'host' });

  return {
    steps: b.steps,
    config,
    template,
    redactedConfig,
    teardownScript,
    warnings: diagnostics.filter((d) => d.level === 'warning'),
    longestRegisteredJobSeconds: longest,
  };
}

/** The marker apply-config.sh replaces with the secret file's content. */
export const DEPLOY_TIME = '[deploy-time value]';

export function marker(secretName: string): string {
  return `@@GLR_SECRET:${secretName}@@`;
}

function runnerTokenSecret(name: string | undefined): string {
  return `runner-${name}-token`.toLowerCase();
}

/** sha256 of `text`, computed by Terraform when `text` holds deploy-time references. */
function hashOf(text: string): string {
  const refs = referencesIn(text);
  if (refs.length === 0) return sha256Hex(text);
  // only hex digits and references go to Terraform's sha256 (no quotes to escape)
  return fingerprint([sha256Hex(withoutReferences(text, DEPLOY_TIME)), ...refs].join(' '));
}

/** Adds `key` = Terraform-side sha256 of the references in `text`, when there are any. */
function withReferences(triggers: { [key: string]: string }, key: string, text: string): { [key: string]: string } {
  const refs = referencesFingerprint(text);
  return refs ? { ...triggers, [key]: refs } : triggers;
}

function machineSafe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** Settings the runner does not reload from config.toml: a change restarts the service. */
function restartSensitive(config: RunnerConfig): unknown {
  const data = config.toData() as Record<string, any>;
  return {
    listen_address: data.listen_address,
    session_server: data.session_server,
    autoscalers: (data.runners ?? []).map((r: Record<string, any>) => {
      if (!r.autoscaler) return null;
      const { policy: _policy, ...rest } = r.autoscaler;
      return rest;
    }),
  };
}

/** Adds engine-registry-mirror to a docker+machine runner's MachineOptions (a clash is an error). */
function withMirror(machine: RunnerProps['machine'], config: RunnerProps, mirror: RegistryMirrorProps | undefined, path: string, errors: Diagnostic[]): RunnerProps['machine'] {
  if (!mirror || config.executor !== 'docker+machine') return machine;
  const option = `engine-registry-mirror=http://${mirror.address}:${mirror.port ?? 6000}`;
  const options = machine?.machineOptions ?? [];
  const clash = options.findIndex((o) => typeof o === 'string' && o.startsWith('engine-registry-mirror='));
  if (clash >= 0) {
    errors.push({ level: 'error', path: `${path}.config.machine.machineOptions[${clash}]`, message: `got ${JSON.stringify(options[clash])} while registryMirror also sets "${option}"; one of them would be lost. Fix: remove this option (registryMirror adds it) or remove registryMirror.` });
    return machine;
  }
  return { ...machine, machineOptions: [...options, option] };
}

/** The cache section of runners without one, when the manager runs a cache server. */
function cacheFor(server: CacheServerProps | undefined): RunnerProps['cache'] {
  if (!server) return undefined;
  return {
    type: 's3',
    shared: true,
    s3: { serverAddress: `${server.address}:${server.port ?? 9005}`, accessKey: server.accessKey, secretKey: server.secretKey, bucketName: server.bucket ?? 'runner', insecure: true },
  };
}

/** Sets the default MachineName or checks that the given one carries the owner prefix (F14). */
function withMachineName(config: RunnerProps, prefix: string, path: string, errors: Diagnostic[]): RunnerProps['machine'] {
  if (config.executor !== 'docker+machine') return config.machine;
  const machine = config.machine ?? {};
  const name = machine.machineName;
  // Short on purpose: the runner names machines runner-<token>-<MachineName with %s filled>, and a
  // host name has at most 63 characters.
  if (name === undefined) return { ...machine, machineName: `${prefix}-%s` };
  if (!isUnresolved(name) && typeof name === 'string' && !name.startsWith(`${prefix}-`)) {
    errors.push({ level: 'error', path: `${path}.config.machine.machineName`, message: `got ${JSON.stringify(name)}, expected a name starting with "${prefix}-" (the owner prefix teardown uses to remove exactly this manager's machines). Fix: machineName: "${prefix}-${name.replace(/^[^%]*?(%s)/, 'auto-$1')}", or set machineNamePrefix.` });
  }
  return machine;
}

class StepBuilder {
  public readonly steps: PlannedStep[] = [];

  constructor(private readonly hostIdentity: string) {}

  public add(
    id: string,
    description: string,
    scriptName: string,
    env: { [key: string]: string },
    dependsOn: string[],
    extraTriggers: { [key: string]: string } = {},
    upload?: { content: string; destination: string },
    triggerOnReplace?: string[],
    preamble?: string,
  ): void {
    // Triggers hash what runs (the inline script). Steps source lib.sh and their body from the
    // host; prepare first installs them there from the stack's one copy (its preamble).
    const script = buildStepScript(scriptName, env, { scripts: 'host', preamble });
    // What decides the step: its variables and its own script body. lib.sh is not part of it
    // (a library patch must not re-run every step), references count by value, not token text.
    const decisive = `${withoutReferences(buildStepScript(scriptName, env, { scripts: 'host' }), DEPLOY_TIME)}\n${readHostScript(`${scriptName}.sh`)}`;
    this.steps.push({
      id,
      description,
      script,
      dependsOn: [...new Set(dependsOn)],
      // (*_HASH variables are derived from the other variables: their references count there)
      triggers: withReferences({ host: this.hostIdentity, script_sha256: sha256Hex(decisive), ...extraTriggers }, 'script_references', Object.entries(env).filter(([k]) => !k.endsWith('_HASH')).map(([, v]) => v).join('\n')),
      triggerOnReplace,
      upload,
    });
  }
}
