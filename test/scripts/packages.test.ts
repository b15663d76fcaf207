/**
 * Package-manager paths with stub apt-get / apt-cache / dnf that record their calls and play
 * the package's post-install (which starts the service, as gitlab-runner's deb/rpm scripts do),
 * plus the registry mirror and cache server steps with a stub docker.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileServer, makeRoot, mode, Root, runStep, serveDir } from './helpers';

jest.setTimeout(30_000);

let root: Root;
let pkgBin: string;
beforeEach(() => {
  root = makeRoot({ standinVersion: '19.3.0', stubs: ['systemctl', 'useradd', 'id', 'docker'] });
  // the stand-in is "installed by the package" only when apt-get runs: keep it off PATH until then
  pkgBin = path.join(root.dir, 'usr', 'bin');
  fs.mkdirSync(pkgBin, { recursive: true });
  fs.renameSync(path.join(root.dir, 'standins', 'gitlab-runner'), path.join(root.dir, 'gitlab-runner.pkg'));
  root.env.PATH = `${root.stub}/bin:${pkgBin}:${root.env.PATH}`;
  root.env.GLR_POLICY_RC_D = path.join(root.dir, 'policy-rc.d');
  const aptGet = `#!/usr/bin/env bash
printf '%s | policy-rc.d:%s\\n' "$*" "$([[ -x "$GLR_POLICY_RC_D" ]] && echo present || echo absent)" >>"$STUB_STATE/apt.log"
[[ " $* " == *" --download-only "* ]] && { [[ -n "\${STUB_APT_NO_VERSION:-}" ]] && { echo "E: Version '19.9.9-1' for 'gitlab-runner' was not found" >&2; exit 100; }; exit 0; }
if [[ "$1" == install ]] && [[ " $* " == *" gitlab-runner="* ]]; then
  cp "${root.dir}/gitlab-runner.pkg" "${pkgBin}/gitlab-runner"
  # the deb post-install: gitlab-runner install + start (policy-rc.d does not stop this one)
  systemctl enable gitlab-runner.service; systemctl start gitlab-runner.service
fi
if [[ "$1" == install ]] && [[ " $* " == *" docker.io "* ]]; then printf '#!/bin/sh\\necho Docker version 20.10-distro\\n' >"${pkgBin}/docker"; chmod +x "${pkgBin}/docker"; fi
exit 0
`;
  fs.writeFileSync(path.join(root.stub, 'bin', 'apt-get'), aptGet, { mode: 0o755 });
  fs.writeFileSync(path.join(root.stub, 'bin', 'apt-cache'), '#!/bin/sh\necho "gitlab-runner:\\n  Candidate: 19.3.0-1\\n  500 https://packages.gitlab.com/runner/gitlab-runner/debian bookworm/main"\n', { mode: 0o755 });
});
afterEach(() => root.cleanup());
const apt = () => fs.readFileSync(path.join(root.stub, 'apt.log'), 'utf8').trim().split('\n');

describe('install-runner (repository source, Debian)', () => {
  const env = { GLR_RUNNER_VERSION: '19.3.0', GLR_RUNNER_SOURCE: 'repository', GLR_SERVICE_NAME: 'gitlab-runner' };

  test('pins gitlab-runner AND gitlab-runner-helper-images to V-1, under policy-rc.d; the auto-started service is stopped and not left enabled (F04)', async () => {
    const r = await runStep('install-runner', root.env, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(apt()).toEqual([
      'update -q | policy-rc.d:absent',
      'install -y -q --allow-downgrades --download-only gitlab-runner=19.3.0-1 gitlab-runner-helper-images=19.3.0-1 | policy-rc.d:absent',
      'install -y -q --allow-downgrades gitlab-runner=19.3.0-1 gitlab-runner-helper-images=19.3.0-1 | policy-rc.d:present',
    ]);
    expect(fs.existsSync(root.env.GLR_POLICY_RC_D!)).toBe(false); // removed again
    expect(r.stdout).toContain('stopping gitlab-runner (started by the install; it starts only once config.toml is final)');
    expect(root.isActive('gitlab-runner')).toBe(false);
    expect(root.isEnabled('gitlab-runner')).toBe(false);
  });

  test('before 17.7 there is no separate helper-images package: only gitlab-runner is pinned', async () => {
    const r = await runStep('install-runner', root.env, { ...env, GLR_RUNNER_VERSION: '17.6.1' });
    // the stand-in reports 19.3.0, so the final version check fails loudly: that is the point of it
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("after installing, gitlab-runner --version reports '19.3.0', expected 17.6.1.");
    expect(apt()[2]).toBe('install -y -q --allow-downgrades gitlab-runner=17.6.1-1 | policy-rc.d:present');
  });

  test('an upgrade to a version the repository lacks fails BEFORE stopping the running service', async () => {
    root.setActive('gitlab-runner', true);
    const r = await runStep('install-runner', { ...root.env, STUB_APT_NO_VERSION: '1' }, { ...env, GLR_RUNNER_VERSION: '19.9.9' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('install-runner: error: apt-get could not download gitlab-runner=19.9.9-1 gitlab-runner-helper-images=19.9.9-1. Nothing was changed.');
    expect(root.systemctlCalls().filter((c) => !c.startsWith('is-'))).toEqual([]);
    expect(root.isActive('gitlab-runner')).toBe(true);
  });

  test('an existing policy-rc.d of the admin is left alone', async () => {
    fs.writeFileSync(root.env.GLR_POLICY_RC_D!, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect((await runStep('install-runner', root.env, env)).code).toBe(0);
    expect(fs.readFileSync(root.env.GLR_POLICY_RC_D!, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });
});

describe('install-runner (repository source, RHEL family)', () => {
  let repo: FileServer;
  let www: string;
  beforeEach(async () => {
    www = path.join(root.dir, 'www');
    fs.mkdirSync(www);
    // what GitLab's script.rpm.sh does that matters here: it adds the yum repository
    fs.writeFileSync(path.join(www, 'script.rpm.sh'), 'echo "[runner_gitlab-runner]" >"$GLR_YUM_REPOS_DIR/runner_gitlab-runner.repo"\n');
    repo = await serveDir(www);
    fs.writeFileSync(root.env.GLR_OS_RELEASE!, 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n');
    root.env.GLR_YUM_REPOS_DIR = path.join(root.dir, 'yum.repos.d');
    fs.mkdirSync(root.env.GLR_YUM_REPOS_DIR);
    const dnf = `#!/usr/bin/env bash
echo "dnf $*" >>"$STUB_STATE/apt.log"
if [[ "$1" == install && " $* " != *" --downloadonly "* ]]; then
  cp "${root.dir}/gitlab-runner.pkg" "${pkgBin}/gitlab-runner"
  systemctl enable gitlab-runner.service; systemctl start gitlab-runner.service
fi
`;
    fs.writeFileSync(path.join(root.stub, 'bin', 'dnf'), dnf, { mode: 0o755 });
  });
  afterEach(() => repo.close());

  test('adds the repository, downloads gitlab-runner-V-1 first, installs it; the auto-started service is stopped', async () => {
    const r = await runStep('install-runner', root.env, { GLR_RUNNER_VERSION: '19.3.0', GLR_RUNNER_SOURCE: 'repository', GLR_SERVICE_NAME: 'gitlab-runner', GLR_RUNNER_REPO_SCRIPT_BASE: repo.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(repo.requests).toEqual(['/script.rpm.sh']);
    expect(apt()).toEqual(['dnf install -y --downloadonly gitlab-runner-19.3.0-1', 'dnf install -y gitlab-runner-19.3.0-1']);
    expect(root.isActive('gitlab-runner')).toBe(false);
    expect(root.isEnabled('gitlab-runner')).toBe(false);
    // repository already there: not added again
    fs.rmSync(path.join(pkgBin, 'gitlab-runner'));
    expect((await runStep('install-runner', root.env, { GLR_RUNNER_VERSION: '19.3.0', GLR_RUNNER_SOURCE: 'repository', GLR_SERVICE_NAME: 'gitlab-runner', GLR_RUNNER_REPO_SCRIPT_BASE: repo.url })).code).toBe(0);
    expect(repo.requests).toEqual(['/script.rpm.sh']);
  });

  test('an unsupported OS fails naming what it found', async () => {
    fs.writeFileSync(root.env.GLR_OS_RELEASE!, 'ID=alpine\n');
    const r = await runStep('install-runner', root.env, { GLR_RUNNER_VERSION: '19.3.0', GLR_RUNNER_SOURCE: 'repository', GLR_SERVICE_NAME: 'gitlab-runner' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("install-runner: error: unsupported OS (ID='alpine' ID_LIKE=''");
  });
});

describe('install-docker (docker-repo, Debian)', () => {
  test("adds Docker's apt repository with its key, then installs docker-ce", async () => {
    const www = path.join(root.dir, 'www');
    fs.mkdirSync(path.join(www, 'linux', 'debian'), { recursive: true });
    fs.writeFileSync(path.join(www, 'linux', 'debian', 'gpg'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\nplaceholder\n');
    const repo = await serveDir(www);
    try {
      fs.rmSync(path.join(root.stub, 'bin', 'docker'));
      fs.writeFileSync(path.join(root.stub, 'bin', 'dpkg'), '#!/bin/sh\necho amd64\n', { mode: 0o755 });
      const aptGet = path.join(root.stub, 'bin', 'apt-get');
      // the Debian stub: installing docker-ce puts a docker binary on PATH
      fs.writeFileSync(aptGet, fs.readFileSync(aptGet, 'utf8').replace('" docker.io "', '" docker-ce "'));
      const env = { ...root.env, PATH: `${root.stub}/bin:${pkgBin}:/usr/bin:/bin`, GLR_APT_KEYRINGS_DIR: path.join(root.dir, 'keyrings'), GLR_APT_SOURCES_DIR: path.join(root.dir, 'sources.list.d') };
      const r = await runStep('install-docker', env, { GLR_DOCKER_SOURCE: 'docker-repo', GLR_DOCKER_REPO_URL: repo.url });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(root.dir, 'sources.list.d', 'docker.list'), 'utf8')).toBe(`deb [arch=amd64 signed-by=${root.dir}/keyrings/docker.asc] ${repo.url}/linux/debian bookworm stable\n`);
      expect(fs.readFileSync(path.join(root.dir, 'keyrings', 'docker.asc'), 'utf8')).toContain('PGP PUBLIC KEY');
      expect(apt().map((l) => l.split(' | ')[0])).toEqual(['update -q', 'install -y -q ca-certificates curl', 'update -q', 'install -y -q docker-ce docker-ce-cli containerd.io']);
      expect(root.systemctlCalls()).toContain('enable --now docker.service');
    } finally {
      await repo.close();
    }
  });
});

describe('install-docker (distro, Debian)', () => {
  test('apt-get installs docker.io, then the service is enabled and started', async () => {
    fs.rmSync(path.join(root.stub, 'bin', 'docker'));
    const env = { ...root.env, PATH: `${root.stub}/bin:${pkgBin}:/usr/bin:/bin` };
    const r = await runStep('install-docker', env, { GLR_DOCKER_SOURCE: 'distro' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(apt().map((l) => l.split(' | ')[0])).toEqual(['update -q', 'install -y -q docker.io']);
    expect(root.systemctlCalls()).toContain('enable --now docker.service');
    expect(r.stdout).toContain('docker installed: Docker version 20.10-distro');
  });
});

describe('install-registry-mirror / install-cache-server', () => {
  const docker = () => fs.readFileSync(path.join(root.stub, 'docker.log'), 'utf8').trim().split('\n');

  test('mirror: docker run registry:2 with the remote URL; same config again -> no-op; a change replaces it', async () => {
    const r = await runStep('install-registry-mirror', root.env, { GLR_MIRROR_PORT: '6000' });
    expect(r.code).toBe(0);
    expect(docker().filter((l) => l.startsWith('run'))).toEqual([expect.stringMatching(/^run -d --restart always --name registry -p 6000:5000 --label cdktf-gitlab-runner.config=\w{16} -e REGISTRY_PROXY_REMOTEURL=https:\/\/registry-1.docker.io registry:2$/)]);
    const again = await runStep('install-registry-mirror', root.env, { GLR_MIRROR_PORT: '6000' });
    expect(again.stdout).toContain('already running with this configuration, nothing to do');
    const changed = await runStep('install-registry-mirror', root.env, { GLR_MIRROR_PORT: '6001' });
    expect(changed.stdout).toContain('replacing container registry');
    expect(docker().filter((l) => l.startsWith('run')).length).toBe(2);
    expect(docker()).toContain('rm -f registry');
  });

  test('cache: credentials only through a 0600 --env-file, never in argv; bucket dir created; rotation replaces the container', async () => {
    root.writeSecret('cache-access-key', 'ACCESSKEYPLACEHOLDER');
    root.writeSecret('cache-secret-key', 'SECRETKEYPLACEHOLDER0000');
    const env = { GLR_CACHE_DATA_DIR: path.join(root.dir, 'export'), GLR_CACHE_CONFIG_DIR: path.join(root.dir, 'minio') };
    const r = await runStep('install-cache-server', root.env, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const log = fs.readFileSync(path.join(root.stub, 'docker.log'), 'utf8');
    expect(log).not.toContain('ACCESSKEYPLACEHOLDER');
    expect(log).not.toContain('SECRETKEYPLACEHOLDER');
    expect(log).toMatch(/--env-file \S+\/minio.env/);
    expect(fs.readFileSync(path.join(root.stub, 'env-file-seen'), 'utf8')).toBe('MINIO_ROOT_USER=ACCESSKEYPLACEHOLDER\nMINIO_ROOT_PASSWORD=SECRETKEYPLACEHOLDER0000\n');
    expect(mode(path.join(root.env.GLR_STATE_DIR!, 'minio.env'))).toBe('600');
    expect(fs.statSync(path.join(root.dir, 'export', 'runner')).isDirectory()).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('PLACEHOLDER');
    expect((await runStep('install-cache-server', root.env, env)).stdout).toContain('nothing to do');
    root.writeSecret('cache-secret-key', 'ROTATEDPLACEHOLDER000000');
    expect((await runStep('install-cache-server', root.env, env)).stdout).toContain('replacing container minio (configuration or credentials changed)');
  });
});
