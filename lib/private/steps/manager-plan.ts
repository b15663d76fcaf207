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
import { CacheServerProps, RegistryMirrorProps } from '../../support-services';
import { deployTimePlaceholder, isUnresolved, joinableList, withoutReferences } from '../framework';
import { buildStepScript } from '../scripts/step-script';
import { stableJson } from './hash';
import { DEPLOY_TIME, hashOf, PlannedStep, STAGE_DIR, StepBuilder, withReferences } from './step-builder';
import { addCacheServerSteps, addDockerStep, addMirrorStep, addPrepareStep, addSecretStep, cacheFor, serviceContainers, withMirror } from './support-plan';
import { checkSupportProps } from './support-props';
import { literalCredentials } from './literal-credentials';

export { DEPLOY_TIME, SECRETS_DIR, STAGE_DIR, STATE_DIR } from './step-builder';
export type { PlannedStep } from './step-builder';

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
  /** A registry mirror run on this bastion. */
  readonly registryMirror?: RegistryMirrorProps;
  /** A cache server run on this bastion. */
  readonly cacheServer?: CacheServerProps;
  /**
   * Services run on another host (SupportServices): only wired into the runners' config; the
   * construct orders the config step after them.
   */
  readonly remoteServices?: { readonly path: string; readonly registryMirror?: RegistryMirrorProps; readonly cacheServer?: CacheServerProps };
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
  checkSupportProps(input.registryMirror, input.cacheServer);
  const names = new Map<number, string>();
  const runnerEntries: RunnerProps[] = input.runners.map((r, i) => {
    const path = `runners[${i}]`;
    if (!r || typeof r !== 'object' || !r.token || typeof r.token.kind !== 'string') {
      throw GitlabRunnerError.at(`${path}.token`, 'is required, expected RunnerToken.authenticationToken(ref) or RunnerToken.registrationToken(ref). Fix: token: RunnerToken.authenticationToken(tokenVar.stringValue).');
    }
    if (r.config !== undefined && (r.config === null || typeof r.config !== 'object' || Array.isArray(r.config))) {
      throw GitlabRunnerError.at(`${path}.config`, `got ${JSON.stringify(r.config)}, expected the runner's config.toml settings { name, url, executor, ... }. Fix: config: { name: "docker", url: "https://gitlab.com", executor: "docker+machine", ... }.`);
    }
    const config = r.config ?? {};
    if ('token' in config && (config as { token?: unknown }).token !== undefined) {
      errors.push({ level: 'error', path: `${path}.config.token`, message: 'is set in config as well as in token; the token comes only from the runner\'s token prop. Fix: remove config.token.' });
    }
    const name = config.name;
    if (isUnresolved(name)) {
      errors.push({ level: 'error', path: `${path}.config.name`, message: 'got a deploy-time reference, expected a literal name known at synth: the host keeps this runner\'s token and registration under it, and its steps are named after it. Fix: name: "docker-autoscale".' });
    } else if (typeof name !== 'string' || !RUNNER_NAME.test(name)) {
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
    const mirror = input.registryMirror ?? input.remoteServices?.registryMirror;
    const mirrorFrom = input.registryMirror ? 'registryMirror' : `the registry mirror of supportServices ${JSON.stringify(input.remoteServices?.path)}`;
    const machine = withMirror(withMachineName(config, input.machineNamePrefix, path, errors), config, mirror, mirrorFrom, path, errors);
    return { ...config, machine, cache: config.cache ?? cacheFor(input.cacheServer ?? input.remoteServices?.cacheServer), token };
  });

  if (input.global && typeof input.global === 'object' && 'runners' in input.global) {
    // the manager's runners prop is the one list: a second one here would be dropped unseen
    errors.push({ level: 'error', path: 'global.runners', message: 'is set, but [[runners]] come only from the manager\'s runners prop (each with its token); these would be lost. Fix: move each entry to runners: [{ token: RunnerToken.authenticationToken(ref), config: { ... } }].' });
  }
  const config = new RunnerConfig({ ...input.global, runners: runnerEntries } as RunnerConfigProps);
  const diagnostics = config.diagnostics();
  const all = [...diagnostics.filter((d) => d.level === 'error'), ...errors, ...literalCredentials(config.toData())];
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
  addPrepareStep(b, input.uploadUser, input.scriptBundleRef, serviceContainers(input.registryMirror, input.cacheServer));
  addDockerStep(b, input.docker);
  const supportSteps: string[] = [];
  if (input.registryMirror) supportSteps.push(addMirrorStep(b, input.registryMirror));
  const service = {
    GLR_SERVICE_NAME: input.serviceName,
    GLR_SERVICE_USER: input.serviceUser,
    GLR_WORKING_DIR: input.workingDirectory,
    GLR_CONFIG_PATH: input.configPath,
  };
  b.add('runner', `install GitLab Runner ${input.runnerVersion} (${input.runnerSource.mode}); graceful stop/start around upgrades`, 'install-runner', {
        ...service,
    GLR_RUNNER_VERSION: input.runnerVersion,
    GLR_RUNNER_SOURCE: input.runnerSource.mode,
    GLR_RUNNER_URL: input.runnerSource.url ?? '',
    GLR_RUNNER_SHA256: input.runnerSource.sha256 ?? '',
    GLR_STOP_TIMEOUT_SECONDS: String(input.stopTimeoutSeconds),
  }, ['docker']);
  // The SIGQUIT drop-in exists before the service can ever start (F13).
  b.add('service-dropin', `systemd drop-in: KillSignal=SIGQUIT, TimeoutStopSec=${input.stopTimeoutSeconds}`, 'service-dropin', {
        GLR_SERVICE_NAME: input.serviceName,
    GLR_STOP_TIMEOUT_SECONDS: String(input.stopTimeoutSeconds),
    GLR_MACHINE_STORAGE_PATH: input.machineStoragePath,
  }, ['runner']);

  const beforeConfig: string[] = ['service-dropin'];
  const dm = input.dockerMachine;
  if (dm) {
    b.add('docker-machine', `install Docker Machine ${dm.version}${dm.skipVerify ? ' (UNVERIFIED: insecureSkipChecksum)' : ''}${dm.drivers.length ? ` and drivers ${dm.drivers.map((d) => d.name).join(', ')}` : ''}`, 'install-docker-machine', {
            GLR_DM_VERSION: dm.version,
      GLR_DM_URL: dm.url,
      GLR_DM_SHA256: dm.sha256 ?? '',
      GLR_DM_SKIP_VERIFY: dm.skipVerify ? '1' : '',
      GLR_DM_DRIVERS: dm.drivers.map((d) => `${d.name} ${d.url} ${d.sha256}`).join('\n'),
    }, ['runner']);
    const machineRunners = runnerEntries.map((r, i) => ({ r, i })).filter(({ r }) => r.executor === 'docker+machine');
    const targets = input.bootstrap.mode === 'certs-only' ? machineRunners.slice(0, 1) : machineRunners;
    let previous: string | undefined;
    const machineNames = new Map<string, number>();
    for (const { r, i } of targets) {
      const full = input.bootstrap.mode === 'full';
      const driver = full ? String(r.machine?.machineDriver ?? '') : 'none';
      const options = full ? joinableList(r.machine?.machineOptions ?? [], '\n') : [];
      const id = input.bootstrap.mode === 'certs-only' ? 'bootstrap' : `bootstrap-${names.get(i)}`;
      const hash = hashOf(stableJson({ driver, options, mode: input.bootstrap.mode, storage: input.machineStoragePath }));
      const machineName = input.bootstrap.mode === 'certs-only' ? `${input.machineNamePrefix}-bootstrap` : `${input.machineNamePrefix}-bootstrap-${machineSafe(names.get(i) ?? String(i))}`;
      const other = machineNames.get(machineName);
      if (other !== undefined) {
        throw GitlabRunnerError.at(`runners[${i}].config.name`, `got ${JSON.stringify(names.get(i))}, whose bootstrap machine name "${machineName}" is the one of runners[${other}] (${JSON.stringify(names.get(other))}): docker-machine names allow no "." or "_", so both map to "-", and the two bootstrap steps would share one machine and one stored hash. Fix: rename one of them, e.g. name: "${names.get(i)}-2".`);
      }
      machineNames.set(machineName, i);
      b.add(id, `one docker-machine create (${full ? `driver ${driver}` : 'certificates only'}) + rm before the first start`, 'bootstrap-machine', {
                GLR_MACHINE_DRIVER: driver,
        GLR_MACHINE_OPTIONS: options.join('\n'),
        GLR_MACHINE_STORAGE_PATH: input.machineStoragePath,
        GLR_BOOTSTRAP_MODE: input.bootstrap.mode,
        // one machine name (and so one stored hash) per bootstrap step
        GLR_BOOTSTRAP_MACHINE: machineName,
        GLR_BOOTSTRAP_HASH: hash,
      }, previous ? [previous] : ['docker-machine', 'service-dropin']);
      previous = id;
    }
    if (previous) beforeConfig.push(previous);
    else beforeConfig.push('docker-machine');
  }

  const secretSteps: string[] = [];
  const addSecret = (name: string, value: string, kind: 'token' | 'generic', what: string): string => {
    const id = addSecretStep(b, name, value, kind, what);
    secretSteps.push(id);
    return id;
  };
  for (const ref of secretRefs) {
    const isLegacyToken = ref.key === 'token' && ref.runnerIndex !== undefined && input.runners[ref.runnerIndex].token.kind === 'registration';
    if (!isLegacyToken) addSecret(secretName(ref), ref.value, ref.key === 'token' ? 'token' : 'generic', ref.path);
  }
  if (input.cacheServer) {
    const [accessKey, secretKey, server] = addCacheServerSteps(b, input.cacheServer);
    secretSteps.push(accessKey, secretKey);
    supportSteps.push(server);
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
            GLR_CONFIG_PATH: input.configPath,
      GLR_FLEETING_PLUGINS: plugins.join('\n'),
    }, ['config', 'runner']);
    beforeService.push('fleeting-plugins');
  }
  b.add('service', `enable and start ${input.serviceName} (only now that config.toml is final)`, 'enable-service', {
        GLR_SERVICE_NAME: input.serviceName,
    GLR_CONFIG_PATH: input.configPath,
  }, beforeService);

  const teardownScript = buildStepScript('teardown', {
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
export function marker(secretName: string): string {
  return `@@GLR_SECRET:${secretName}@@`;
}

function runnerTokenSecret(name: string | undefined): string {
  return `runner-${name}-token`.toLowerCase();
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
    // by runner name, only runners with an autoscaler: adding, removing or reordering other
    // runners restarts nothing
    autoscalers: Object.fromEntries(
      (data.runners ?? [])
        .filter((r: Record<string, any>) => r.autoscaler)
        .map((r: Record<string, any>) => {
          const { policy: _policy, ...rest } = r.autoscaler;
          return [String(r.name), rest];
        })
        .sort(([a]: [string], [b]: [string]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
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
