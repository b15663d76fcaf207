/**
 * Steps shared by a manager's bastion and a separate support-services host: prepare, Docker,
 * secrets, the registry mirror and the cache server; and the standalone support-services plan.
 * Pure, like the manager's plan.
 */
import { RunnerProps } from '../../config/props.generated';
import { DockerSource } from '../../docker-source';
import { Diagnostic, GitlabRunnerError } from '../../errors';
import type { CacheServerProps, RegistryMirrorProps } from '../../support-services';
import { fingerprint } from '../framework';
import { buildScriptBundle, buildStepScript, HOST_SCRIPTS_PATH } from '../scripts/step-script';
import { sha256Hex } from './hash';
import { PlannedStep, SECRETS_DIR, STAGE_DIR, StepBuilder } from './step-builder';
import { checkSupportProps } from './support-props';

export const MIRROR_CONTAINER = 'registry';
export const CACHE_CONTAINER = 'minio';

/**
 * prepare: state, staging and secrets folders; installs the host scripts from the stack's one
 * copy; removes the mirror / cache containers the library started here that `containers` (the
 * ones configured now) no longer lists.
 */
export function addPrepareStep(b: StepBuilder, uploadUser: string | undefined, scriptBundleRef: string | undefined, containers: string): void {
  const bundle = buildScriptBundle();
  b.add('prepare', `create the state, staging and secrets folders; install the host scripts in ${HOST_SCRIPTS_PATH}; remove mirror/cache containers no longer configured`, 'prepare', {
    GLR_STAGE_DIR: STAGE_DIR,
    GLR_UPLOAD_USER: uploadUser ?? 'root',
    GLR_SERVICE_CONTAINERS: containers,
  }, [], { scripts_sha256: sha256Hex(bundle) }, undefined, undefined, scriptBundleRef ?? bundle);
}

export function addDockerStep(b: StepBuilder, docker: DockerSource): void {
  b.add('docker', 'install Docker', 'install-docker', { GLR_DOCKER_SOURCE: docker.mode }, ['prepare']);
}

/** secret-<name>: uploads one secret to SECRETS_DIR/<name> (0600); returns the step id. */
export function addSecretStep(b: StepBuilder, name: string, value: string, kind: 'token' | 'generic', what: string): string {
  const id = `secret-${name}`;
  const staged = `${STAGE_DIR}/${id}`;
  b.add(id, `upload ${what} to ${SECRETS_DIR}/${name} (0600)`, 'put-secret', {
    GLR_SECRET_NAME: name,
    GLR_SECRET_STAGED: staged,
    GLR_SECRET_KIND: kind,
  }, ['prepare'], { secret: fingerprint(value) }, { content: value, destination: staged });
  return id;
}

export function addMirrorStep(b: StepBuilder, m: RegistryMirrorProps): string {
  b.add('registry-mirror', `pull-through registry mirror on ${m.address}:${m.port ?? 6000} (engine-registry-mirror in MachineOptions)`, 'install-registry-mirror', {
    GLR_MIRROR_PORT: String(m.port ?? 6000),
    GLR_MIRROR_REMOTE_URL: m.remoteUrl ?? 'https://registry-1.docker.io',
    GLR_MIRROR_IMAGE: m.image ?? 'registry:2',
    GLR_MIRROR_BIND_ADDRESS: m.bindToAddress === false ? '' : m.address,
  }, ['docker']);
  return 'registry-mirror';
}

/** The cache server and its two secrets (root user and password); returns the steps' ids. */
export function addCacheServerSteps(b: StepBuilder, c: CacheServerProps): string[] {
  const secrets = [addSecretStep(b, 'cache-access-key', c.accessKey, 'generic', 'cacheServer.accessKey'), addSecretStep(b, 'cache-secret-key', c.secretKey, 'generic', 'cacheServer.secretKey')];
  b.add('cache-server', `MinIO S3 cache on ${c.address}:${c.port ?? 9005}, bucket ${c.bucket ?? 'runner'}`, 'install-cache-server', {
    GLR_CACHE_PORT: String(c.port ?? 9005),
    GLR_CACHE_BUCKET: c.bucket ?? 'runner',
    GLR_CACHE_IMAGE: c.image ?? 'minio/minio:latest',
    GLR_CACHE_BIND_ADDRESS: c.bindToAddress === false ? '' : c.address,
    GLR_CACHE_ACCESS_KEY_SECRET: 'cache-access-key',
    GLR_CACHE_SECRET_KEY_SECRET: 'cache-secret-key',
  }, ['docker', ...secrets], {}, undefined, secrets);
  return [...secrets, 'cache-server'];
}

/** The containers configured on a host (one per service), space-separated. */
export function serviceContainers(mirror: RegistryMirrorProps | undefined, cache: CacheServerProps | undefined): string {
  return [mirror ? MIRROR_CONTAINER : undefined, cache ? CACHE_CONTAINER : undefined].filter((c) => c).join(' ');
}

/**
 * Adds engine-registry-mirror to a docker+machine runner's MachineOptions (a clash is an error).
 * `from` names where the mirror comes from in messages (`registryMirror`, or the SupportServices).
 */
export function withMirror(machine: RunnerProps['machine'], config: RunnerProps, mirror: RegistryMirrorProps | undefined, from: string, path: string, errors: Diagnostic[]): RunnerProps['machine'] {
  if (!mirror || config.executor !== 'docker+machine') return machine;
  const option = `engine-registry-mirror=http://${mirror.address}:${mirror.port ?? 6000}`;
  const options = machine?.machineOptions ?? [];
  const clash = options.findIndex((o) => typeof o === 'string' && o.startsWith('engine-registry-mirror='));
  if (clash >= 0) {
    errors.push({ level: 'error', path: `${path}.config.machine.machineOptions[${clash}]`, message: `got ${JSON.stringify(options[clash])} while ${from} also sets "${option}"; one of them would be lost. Fix: remove this option (${from} adds it)${from === 'registryMirror' ? ' or remove registryMirror' : ', or drop the mirror from that SupportServices'}.` });
    return machine;
  }
  return { ...machine, machineOptions: [...options, option] };
}

/** The cache section of runners without one, when a cache server is configured. */
export function cacheFor(server: CacheServerProps | undefined): RunnerProps['cache'] {
  if (!server) return undefined;
  return {
    type: 's3',
    shared: true,
    s3: { serverAddress: `${server.address}:${server.port ?? 9005}`, accessKey: server.accessKey, secretKey: server.secretKey, bucketName: server.bucket ?? 'runner', insecure: true },
  };
}

export interface SupportPlanInput {
  /** user@host:port; part of every trigger. */
  readonly hostIdentity: string;
  readonly uploadUser?: string;
  readonly scriptBundleRef?: string;
  readonly docker: DockerSource;
  readonly registryMirror?: RegistryMirrorProps;
  readonly cacheServer?: CacheServerProps;
}

export interface SupportPlan {
  readonly steps: PlannedStep[];
  /** Ids of the steps after which the services are up (what managers wait for). */
  readonly readySteps: string[];
  readonly teardownScript: string;
}

/** The steps of a separate host that runs only the registry mirror and/or the cache server. */
export function planSupportServices(input: SupportPlanInput): SupportPlan {
  if (!input.registryMirror && !input.cacheServer) {
    throw GitlabRunnerError.at('registryMirror', 'and cacheServer are both unset, so this host would run nothing. Fix: set registryMirror: { address: "10.0.0.6" } and/or cacheServer: { address, accessKey, secretKey }, or remove the construct.');
  }
  checkSupportProps(input.registryMirror, input.cacheServer);
  const b = new StepBuilder(input.hostIdentity);
  addPrepareStep(b, input.uploadUser, input.scriptBundleRef, serviceContainers(input.registryMirror, input.cacheServer));
  addDockerStep(b, input.docker);
  const ready: string[] = [];
  if (input.registryMirror) ready.push(addMirrorStep(b, input.registryMirror));
  if (input.cacheServer) ready.push(addCacheServerSteps(b, input.cacheServer).slice(-1)[0]);
  const teardownScript = buildStepScript('teardown-services', {}, { scripts: 'host' });
  return { steps: b.steps, readySteps: ready, teardownScript };
}
