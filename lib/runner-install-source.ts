/**
 * Where the pinned GitLab Runner version comes from.
 */
import { GitlabRunnerError } from './errors';
import { isUnresolved } from './private/framework';

const SHA256 = /^[0-9a-f]{64}$/;

export interface RunnerBinaryProps {
  /**
   * Full URL of the `gitlab-runner-linux-<arch>` binary (a mirror is fine). Use
   * `RunnerInstallSource.officialBinaryUrl(version, arch)` for GitLab's own bucket.
   */
  readonly url: string;
  /** sha256 of that binary (from GitLab's `release.sha256`, or your mirror's). */
  readonly sha256: string;
}

export class RunnerInstallSource {
  /**
   * GitLab's package repository (packages.gitlab.com); pins `gitlab-runner` and
   * `gitlab-runner-helper-images` to the same version.
   */
  public static packageRepository(): RunnerInstallSource {
    return new RunnerInstallSource('repository');
  }

  /** A binary from a URL, verified against its sha256 (mirrors and air-gapped sites). */
  public static binary(props: RunnerBinaryProps): RunnerInstallSource {
    checkUrl(props?.url, 'runner.source.url');
    checkSha256(props?.sha256, 'runner.source.sha256');
    return new RunnerInstallSource('binary', props.url, props.sha256);
  }

  /** Already installed (e.g. baked into the image): the step only checks the version. */
  public static preinstalled(): RunnerInstallSource {
    return new RunnerInstallSource('preinstalled');
  }

  /** URL of the official binary for a version, e.g. `officialBinaryUrl("19.3.0", "amd64")`. */
  public static officialBinaryUrl(version: string, arch: string = 'amd64'): string {
    return `https://s3.dualstack.us-east-1.amazonaws.com/gitlab-runner-downloads/v${version}/binaries/gitlab-runner-linux-${arch}`;
  }

  private constructor(
    public readonly mode: 'repository' | 'binary' | 'preinstalled',
    public readonly url?: string,
    public readonly sha256?: string,
  ) {}
}

/** Throws unless `value` is an http(s) URL (or a deploy-time reference). */
export function checkUrl(value: unknown, path: string): void {
  if (isUnresolved(value)) return;
  if (typeof value !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(value)}, expected an http(s) URL without spaces. Fix: "https://mirror.example.com/gitlab-runner/v19.3.0/gitlab-runner-linux-amd64".`);
  }
}

/** Throws unless `value` is 64 lowercase hex digits (or a deploy-time reference). */
export function checkSha256(value: unknown, path: string): void {
  if (isUnresolved(value)) return;
  if (typeof value !== 'string' || !SHA256.test(value)) {
    const hint = typeof value === 'string' && /^[0-9A-Fa-f]{64}$/.test(value.trim()) ? ` Fix: "${value.trim().toLowerCase()}".` : ' Fix: run `sha256sum FILE` and paste the 64-character hash.';
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(value)}, expected a sha256 as 64 lowercase hex digits.${hint}`);
  }
}
