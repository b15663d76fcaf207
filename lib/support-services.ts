/**
 * The seed's "optionally but recommended" step: a pull-through registry mirror and an
 * S3-compatible cache server (MinIO), wired into the runners' config. On the manager's own
 * bastion (GitlabRunnerManager's `registryMirror` / `cacheServer`) or on another host
 * (`SupportServices`, passed to one or more managers as `supportServices`).
 */
import { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { Bastion, BastionProps, validateBastionProps } from './bastion';
import { DockerSource } from './docker-source';
import { GitlabRunnerError } from './errors';
import { checkChoices } from './private/steps/choices';
import { checkOneOwnerPerHost, isBastion } from './private/steps/host-owners';
import { BASTION_PROPS, CACHE_SERVER_PROPS, checkKnownProps, REGISTRY_MIRROR_PROPS } from './private/steps/known-props';
import { createTeardown, materializeSteps } from './private/steps/materialize';
import { PlannedStep } from './private/steps/step-builder';
import { planSupportServices } from './private/steps/support-plan';
import { ensureProviders, scriptBundleRef } from './private/steps/wiring';
import { StepEngine } from './step-engine';

export interface RegistryMirrorProps {
  /**
   * Address the autoscaled machines reach the bastion on (a private IP): the mirror is plain
   * HTTP. Every docker+machine runner gets `engine-registry-mirror=http://<address>:<port>`
   * in its MachineOptions.
   */
  readonly address: string;
  /** Published port. @default 6000 */
  readonly port?: number;
  /** Registry to mirror. @default "https://registry-1.docker.io" */
  readonly remoteUrl?: string;
  /** Image of the mirror. @default "registry:2" */
  readonly image?: string;
  /** Bind the published port to `address` only (recommended on hosts with a public interface). @default true */
  readonly bindToAddress?: boolean;
}

export interface CacheServerProps {
  /** Address the runners' jobs reach the cache on (a private IP); plain HTTP. */
  readonly address: string;
  /** Published port. @default 9005 */
  readonly port?: number;
  /** Bucket (a directory on the server). @default "runner" */
  readonly bucket?: string;
  /** MinIO root user, from a sensitive variable or reference. */
  readonly accessKey: string;
  /** MinIO root password, from a sensitive variable or reference. */
  readonly secretKey: string;
  /**
   * MinIO image; pin a release tag for repeatable deploys.
   * @default "minio/minio:latest" (what GitLab's docs use)
   */
  readonly image?: string;
  /** Bind the published port to `address` only. @default true */
  readonly bindToAddress?: boolean;
}


export interface SupportServicesProps {
  /**
   * The host that runs the services (not a manager's bastion: for that, use the manager's
   * `registryMirror` / `cacheServer` props). An existing `Bastion`, or its props.
   */
  readonly host: Bastion | BastionProps;
  /** How Docker is installed on the host. @default DockerSource.distroPackages() */
  readonly docker?: DockerSource;
  /** Which resource type carries the steps. @default StepEngine.nullResource() */
  readonly engine?: StepEngine;
  /** A pull-through registry mirror on the host. @default - none */
  readonly registryMirror?: RegistryMirrorProps;
  /** A MinIO S3 cache server on the host. @default - none */
  readonly cacheServer?: CacheServerProps;
}

/**
 * A registry mirror and/or cache server on a host of its own, shared by the managers that name
 * it in `supportServices`: their docker+machine runners get `engine-registry-mirror=...` in
 * MachineOptions, runners without a `cache` section get the S3 cache, and their config.toml is
 * written only after the services are up. Steps: prepare -> docker -> registry-mirror /
 * secret-cache-* -> cache-server; teardown at destroy removes the containers (the cache's data
 * directory stays).
 */
export class SupportServices extends Construct {
  public readonly host: Bastion;
  public readonly engine: StepEngine;
  public readonly registryMirror?: RegistryMirrorProps;
  public readonly cacheServer?: CacheServerProps;
  /** The steps in the order they run. */
  public readonly steps: readonly PlannedStep[];
  /** The Terraform resources of the steps, by step id. */
  public readonly resources: { readonly [stepId: string]: TerraformResource };
  /** The resources after which the services are up (managers' config steps wait for them). */
  public readonly ready: TerraformResource[];

  constructor(scope: Construct, id: string, props: SupportServicesProps) {
    super(scope, id);
    checkKnownProps(props, ['host', 'docker', 'engine', 'registryMirror', 'cacheServer'], '');
    if (!props || !props.host || typeof props.host !== 'object') {
      throw GitlabRunnerError.at('host', 'is required, expected a Bastion or its props. Fix: host: { host: "10.0.0.6", privateKey: SshKey.fromFile("~/.ssh/id_ed25519") }.');
    }
    if (!isBastion(props.host)) checkKnownProps(props.host, BASTION_PROPS, 'host');
    if (props.registryMirror) checkKnownProps(props.registryMirror, REGISTRY_MIRROR_PROPS, 'registryMirror');
    if (props.cacheServer) checkKnownProps(props.cacheServer, CACHE_SERVER_PROPS, 'cacheServer');
    for (const [name, field, allowed] of [['engine', 'resourceType', 'StepEngine.nullResource() or StepEngine.terraformData()'], ['docker', 'mode', 'DockerSource.distroPackages(), DockerSource.dockerRepository() or DockerSource.preinstalled()']] as const) {
      const value = (props as unknown as Record<string, unknown>)[name];
      if (value !== undefined && (!value || typeof value !== 'object' || typeof (value as Record<string, unknown>)[field] !== 'string')) {
        throw GitlabRunnerError.at(name, `got ${JSON.stringify(value)}, expected ${allowed}. Fix: use one of those factories.`);
      }
    }
    checkChoices(props, ['engine', 'docker']);
    this.engine = props.engine ?? StepEngine.nullResource();
    if (!isBastion(props.host)) validateBastionProps(props.host, 'host'); // errors say host.*, not bastion.*
    this.host = isBastion(props.host) ? props.host : new Bastion(this, 'host', props.host);
    this.registryMirror = props.registryMirror;
    this.cacheServer = props.cacheServer;
    checkOneOwnerPerHost(this, this.host, true);

    const plan = planSupportServices({
      hostIdentity: `${this.host.user}@${this.host.host}:${this.host.port}`,
      uploadUser: this.host.user,
      scriptBundleRef: scriptBundleRef(this),
      docker: props.docker ?? DockerSource.distroPackages(),
      registryMirror: props.registryMirror,
      cacheServer: props.cacheServer,
    });
    this.steps = plan.steps;
    ensureProviders(this, this.engine, false);
    const resources = materializeSteps(this, this.engine, this.host, plan.steps);
    this.ready = plan.readySteps.map((s) => resources[s]);
    const teardown = createTeardown(this, this.host, plan.teardownScript, Object.values(resources), 'remove the mirror and cache containers', 'host');
    if (teardown) resources.teardown = teardown;
    this.resources = resources;
  }
}
