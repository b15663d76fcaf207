/**
 * The seed's "optionally but recommended" step: a pull-through registry mirror and an
 * S3-compatible cache server (MinIO) on the bastion, wired into the runners' config.
 */
import { GitlabRunnerError } from './errors';
import { isUnresolved } from './private/framework';

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

const ADDRESS = /^[A-Za-z0-9.\-:]+$/;

export function checkSupportAddress(value: unknown, path: string): void {
  if (isUnresolved(value)) return;
  if (typeof value !== 'string' || !ADDRESS.test(value) || value.includes('://')) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(value)}, expected the private IP or host name the machines reach the bastion on, without scheme or port. Fix: address: "10.0.0.5".`);
  }
}

export function checkPortNumber(value: unknown, path: string): void {
  if (value === undefined || isUnresolved(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(value)}, expected a whole number from 1 to 65535. Fix: port: ${path.endsWith('registryMirror.port') ? 6000 : 9005}.`);
  }
}
