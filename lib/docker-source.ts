/**
 * How Docker gets onto the bastion (the seed requires Docker on the same machine as the runner).
 * Every choice is a no-op when `docker` is already installed.
 */
export class DockerSource {
  /** The distribution's package (`docker.io` on Debian/Ubuntu, `docker` on RHEL family). */
  public static distroPackages(): DockerSource {
    return new DockerSource('distro');
  }

  /** Docker's own apt/yum repository (`docker-ce`). */
  public static dockerRepository(): DockerSource {
    return new DockerSource('docker-repo');
  }

  /** Docker is already installed: the step only checks that `docker` is there. */
  public static preinstalled(): DockerSource {
    return new DockerSource('skip');
  }

  private constructor(
    /** Value passed to the host script as GLR_DOCKER_SOURCE. */
    public readonly mode: 'distro' | 'docker-repo' | 'skip',
  ) {}
}
