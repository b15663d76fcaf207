/**
 * GitLab's fork of Docker Machine on the bastion, verified against a sha256 you supply
 * (the fork publishes none), plus optional driver plugins.
 */
import { GitlabRunnerError } from './errors';
import { isUnresolved } from './private/framework';
import { checkSha256, checkUrl } from './runner-install-source';

export interface DockerMachineDriverProps {
  /** Driver name: installed as `docker-machine-driver-<name>`. */
  readonly name: string;
  /** Download URL of the driver binary. */
  readonly url: string;
  /** sha256 of the driver binary. */
  readonly sha256: string;
}

export interface DockerMachineProps {
  /**
   * Version of GitLab's fork, e.g. `v0.16.2-gitlab.48` (the version GitLab's docs pin).
   * @see https://gitlab.com/gitlab-org/ci-cd/docker-machine/-/releases
   */
  readonly version: string;
  /**
   * Full download URL of the binary.
   * @default `https://gitlab-docker-machine-downloads.s3.amazonaws.com/<version>/docker-machine-Linux-x86_64`
   */
  readonly url?: string;
  /** sha256 of the binary. Required unless `insecureSkipChecksum` is true. */
  readonly sha256?: string;
  /**
   * Install without checking the binary's sha256. Loud: the step prints a warning on every run.
   * @default false
   */
  readonly insecureSkipChecksum?: boolean;
  /** Extra driver plugins. @default - none (built-in drivers such as amazonec2, google) */
  readonly drivers?: DockerMachineDriverProps[];
}

/** Resolved Docker Machine install settings. */
export interface ResolvedDockerMachine {
  readonly version: string;
  readonly url: string;
  readonly sha256?: string;
  readonly skipVerify: boolean;
  readonly drivers: DockerMachineDriverProps[];
}

const VERSION = /^v?\d+\.\d+\.\d+(-gitlab\.\d+)?$/;
const DRIVER = /^[a-z0-9][a-z0-9-]*$/;

export function officialDockerMachineUrl(version: string, arch: string = 'x86_64'): string {
  return `https://gitlab-docker-machine-downloads.s3.amazonaws.com/${version}/docker-machine-Linux-${arch}`;
}

export function resolveDockerMachine(props: DockerMachineProps, path: string): ResolvedDockerMachine {
  if (!isUnresolved(props.version) && (typeof props.version !== 'string' || !VERSION.test(props.version))) {
    throw GitlabRunnerError.at(`${path}.version`, `got ${JSON.stringify(props.version)}, expected a pinned release such as "v0.16.2-gitlab.48" ("latest" and "main" are not pins). Fix: version: "v0.16.2-gitlab.48".`);
  }
  const url = props.url ?? officialDockerMachineUrl(props.version);
  checkUrl(url, `${path}.url`);
  if (props.insecureSkipChecksum === true) {
    if (props.sha256 !== undefined) {
      throw GitlabRunnerError.at(`${path}.insecureSkipChecksum`, 'is true while sha256 is also set; the checksum would be ignored. Fix: remove insecureSkipChecksum to verify the binary.');
    }
  } else if (props.sha256 === undefined) {
    throw GitlabRunnerError.at(`${path}.sha256`, 'is required: GitLab\'s Docker Machine fork publishes no checksums, so pin the sha256 of the binary you reviewed. Fix: download it once, run `sha256sum docker-machine-Linux-x86_64` and set sha256; or set insecureSkipChecksum: true to install unverified (not recommended).');
  } else {
    checkSha256(props.sha256, `${path}.sha256`);
  }
  const names = new Set<string>();
  if (props.drivers !== undefined && !Array.isArray(props.drivers)) {
    throw GitlabRunnerError.at(`${path}.drivers`, `got ${JSON.stringify(props.drivers)}, expected an array of { name, url, sha256 }. Fix: drivers: [{ name: "hetzner", url: "https://...", sha256: "..." }].`);
  }
  (props.drivers ?? []).forEach((d, i) => {
    const p = `${path}.drivers[${i}]`;
    if (!d || typeof d !== 'object') {
      throw GitlabRunnerError.at(p, `got ${JSON.stringify(d)}, expected { name, url, sha256 }. Fix: remove it, or give the driver's name, url and sha256.`);
    }
    if (typeof d.name !== 'string' || !DRIVER.test(d.name)) {
      throw GitlabRunnerError.at(`${p}.name`, `got ${JSON.stringify(d.name)}, expected a driver name of lowercase letters, digits and dashes (installed as docker-machine-driver-<name>). Fix: name: "hetzner".`);
    }
    if (names.has(d.name)) throw GitlabRunnerError.at(`${p}.name`, `got ${JSON.stringify(d.name)} twice; each driver is installed once. Fix: remove the duplicate.`);
    names.add(d.name);
    checkUrl(d.url, `${p}.url`);
    checkSha256(d.sha256, `${p}.sha256`);
  });
  return { version: props.version, url, sha256: props.sha256, skipVerify: props.insecureSkipChecksum === true, drivers: [...(props.drivers ?? [])] };
}
