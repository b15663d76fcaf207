/**
 * Download + verify + atomic install (install-docker-machine, install-runner binary source),
 * against a real local HTTP server, real curl and real sha256sum, in a temporary root.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FileServer, makeRoot, mode, Root, runBuiltStep, runStep, serveDir, sha256File, STANDINS } from './helpers';

jest.setTimeout(30_000);

let dist: string;
let server: FileServer;
let root: Root;

beforeAll(async () => {
  dist = fs.mkdtempSync('/tmp/glr-dist-');
  for (const v of ['19.2.0', '19.3.0']) execFileSync('bash', [path.join(STANDINS, 'build.sh'), v, path.join(dist, v)]);
  execFileSync('bash', [path.join(STANDINS, 'build.sh'), '19.3.0', path.join(dist, 'dm49'), 'v0.16.2-gitlab.49']);
  fs.writeFileSync(path.join(dist, 'driver-fake'), '#!/bin/sh\necho fake driver\n', { mode: 0o755 });
  server = await serveDir(dist);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dist, { recursive: true, force: true });
});
beforeEach(() => {
  root = makeRoot();
});
afterEach(() => root.cleanup());

const hashOf = (rel: string) => sha256File(path.join(dist, rel));

describe('install-docker-machine', () => {
  const dmEnv = () => ({
    GLR_DM_URL: `${server.url}/19.3.0/docker-machine-Linux-x86_64`,
    GLR_DM_SHA256: hashOf('19.3.0/docker-machine-Linux-x86_64'),
    GLR_DM_VERSION: 'v0.16.2-gitlab.48',
  });

  test('GIVEN the right sha256 WHEN run THEN installs 0755, reports the version; a re-run downloads nothing', async () => {
    const r = await runStep('install-docker-machine', root.env, dmEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bin = path.join(root.env.GLR_BIN_DIR!, 'docker-machine');
    expect(mode(bin)).toBe('755');
    expect(sha256File(bin)).toBe(hashOf('19.3.0/docker-machine-Linux-x86_64'));
    expect(r.stdout).toMatch(/^\[cdktf-gitlab-runner\] install-docker-machine: downloading docker-machine from http/m);
    const before = server.requests.length;
    const again = await runStep('install-docker-machine', root.env, dmEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed, nothing to do');
    expect(server.requests.length).toBe(before);
  });

  test('GIVEN a wrong sha256 THEN fails naming the URL and both hashes, and the previous binary is untouched', async () => {
    expect((await runStep('install-docker-machine', root.env, dmEnv())).code).toBe(0);
    const bin = path.join(root.env.GLR_BIN_DIR!, 'docker-machine');
    const previous = fs.readFileSync(bin);
    const wrong = 'a'.repeat(64);
    const url = `${server.url}/dm49/docker-machine-Linux-x86_64`;
    const r = await runStep('install-docker-machine', root.env, { GLR_DM_URL: url, GLR_DM_SHA256: wrong, GLR_DM_VERSION: 'v0.16.2-gitlab.49' });
    expect(r.code).not.toBe(0);
    const got = hashOf('dm49/docker-machine-Linux-x86_64');
    expect(r.stderr).toContain(`[cdktf-gitlab-runner] install-docker-machine: error: sha256 mismatch for ${url}: expected ${wrong}, got ${got}`);
    expect(fs.readFileSync(bin).equals(previous)).toBe(true);
    expect(fs.readdirSync(root.env.GLR_BIN_DIR!).sort()).toEqual(['docker-machine']); // no temp file left
  });

  test('retries a failing download with backoff', async () => {
    const r = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_URL: `${server.url}/flaky-1/19.3.0/docker-machine-Linux-x86_64` });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/failed \(attempt 1\/2\), retrying in 1s/);
  });

  test('a URL that keeps failing: one clear line naming it after the retries; nothing installed', async () => {
    const url = `${server.url}/nope/docker-machine-Linux-x86_64`;
    const r = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_URL: url });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`install-docker-machine: error: download of ${url} failed after 2 attempts`);
    expect(fs.readdirSync(root.env.GLR_BIN_DIR!)).toEqual([]);
  });

  test('without a version, the installed file\'s sha256 decides whether to download', async () => {
    const env = { ...dmEnv(), GLR_DM_VERSION: '' };
    expect((await runStep('install-docker-machine', root.env, env)).code).toBe(0);
    const before = server.requests.length;
    const again = await runStep('install-docker-machine', root.env, env);
    expect(again.stdout).toContain(`docker-machine with sha256 ${env.GLR_DM_SHA256} already installed, nothing to do`);
    expect(server.requests.length).toBe(before);
    fs.appendFileSync(path.join(root.env.GLR_BIN_DIR!, 'docker-machine'), '# tampered\n');
    expect((await runStep('install-docker-machine', root.env, env)).stdout).toContain('downloading docker-machine');
    expect(sha256File(path.join(root.env.GLR_BIN_DIR!, 'docker-machine'))).toBe(env.GLR_DM_SHA256);
  });

  test('no sha256 without the explicit opt-out is an error; the opt-out prints a loud WARNING', async () => {
    const noSha = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_SHA256: '' });
    expect(noSha.code).not.toBe(0);
    expect(noSha.stderr).toMatch(/no sha256 for docker-machine/);
    const skipped = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_SHA256: '', GLR_DM_SKIP_VERIFY: '1' });
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/WARNING: sha256 verification of .* is SKIPPED/);
  });

  test('a version that does not match the downloaded binary fails loudly', async () => {
    const r = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_VERSION: 'v0.16.2-gitlab.99' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/reports 'docker-machine version 0.16.2-gitlab.48, build \w+', expected v0.16.2-gitlab.99/);
  });

  test('drivers: installed as docker-machine-driver-NAME, verified, skipped when already there', async () => {
    const drivers = `fake ${server.url}/driver-fake ${hashOf('driver-fake')}\n`;
    const r = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_DRIVERS: drivers });
    expect(r.code).toBe(0);
    expect(mode(path.join(root.env.GLR_BIN_DIR!, 'docker-machine-driver-fake'))).toBe('755');
    const again = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_DRIVERS: drivers });
    expect(again.stdout).toContain('driver fake already installed, nothing to do');
    const bad = await runStep('install-docker-machine', root.env, { ...dmEnv(), GLR_DM_DRIVERS: `other ${server.url}/driver-fake ${'0'.repeat(64)}` });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(`sha256 mismatch for ${server.url}/driver-fake`);
    expect(fs.existsSync(path.join(root.env.GLR_BIN_DIR!, 'docker-machine-driver-other'))).toBe(false);
  });
});

describe('install-runner (binary source)', () => {
  const runnerEnv = (v: string) => ({
    GLR_RUNNER_VERSION: v,
    GLR_RUNNER_SOURCE: 'binary',
    GLR_RUNNER_URL: `${server.url}/${v}/gitlab-runner-linux-amd64`,
    GLR_RUNNER_SHA256: hashOf(`${v}/gitlab-runner-linux-amd64`),
    GLR_SERVICE_NAME: 'gitlab-runner',
    GLR_SERVICE_USER: 'gitlab-runner',
  });

  test('fresh install: binary, user, systemd unit like the kardianos template; the service is NOT started or left enabled', async () => {
    const r = await runStep('install-runner', root.env, runnerEnv('19.2.0'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gitlab-runner 19.2.0 installed (service not started)');
    expect(fs.readFileSync(path.join(root.stub, 'useradd.log'), 'utf8')).toContain(`--create-home --home-dir ${root.env.GLR_WORKING_DIR} --shell /bin/bash gitlab-runner`);
    const unit = fs.readFileSync(path.join(root.env.GLR_SYSTEMD_DIR!, 'gitlab-runner.service'), 'utf8');
    expect(unit).toContain(`"run" "--config" "${root.env.GLR_CONFIG_PATH}" "--working-directory" "${root.env.GLR_WORKING_DIR}" "--service" "gitlab-runner" "--user" "gitlab-runner"`);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(root.systemctlCalls().filter((c) => /^(start|restart)/.test(c))).toEqual([]);
    expect(root.isActive('gitlab-runner')).toBe(false);
    expect(root.isEnabled('gitlab-runner')).toBe(false); // `install` enabled it; we undo that
  });

  test('same version again: one line, no download, no systemctl call', async () => {
    expect((await runStep('install-runner', root.env, runnerEnv('19.2.0'))).code).toBe(0);
    const calls = root.systemctlCalls().length;
    const requests = server.requests.length;
    const r = await runStep('install-runner', root.env, runnerEnv('19.2.0'));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['[cdktf-gitlab-runner] install-runner: gitlab-runner 19.2.0 already installed, nothing to do']);
    expect(server.requests.length).toBe(requests);
    expect(root.systemctlCalls().length).toBe(calls);
  });

  test('a fresh install killed after the binary was in place: the re-run creates the user and the unit, and still starts nothing', async () => {
    expect((await runStep('install-runner', root.env, runnerEnv('19.2.0'))).code).toBe(0);
    // what a kill right after the binary install leaves: the binary, no user, no unit
    fs.rmSync(path.join(root.stub, 'users', 'gitlab-runner'));
    fs.rmSync(path.join(root.env.GLR_SYSTEMD_DIR!, 'gitlab-runner.service'));
    const r = await runStep('install-runner', root.env, runnerEnv('19.2.0'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('creating user gitlab-runner');
    expect(r.stdout).toContain('installing the gitlab-runner systemd unit (not started)');
    expect(fs.existsSync(path.join(root.env.GLR_SYSTEMD_DIR!, 'gitlab-runner.service'))).toBe(true);
    expect(fs.existsSync(path.join(root.stub, 'users', 'gitlab-runner'))).toBe(true);
    expect(root.isActive('gitlab-runner')).toBe(false);
    expect(root.isEnabled('gitlab-runner')).toBe(false); // enable-service enables it once config.toml is final
  });

  test('upgrade of a running service: graceful stop (with progress) -> install -> start -> version check', async () => {
    expect((await runStep('install-runner', root.env, runnerEnv('19.2.0'))).code).toBe(0);
    root.setActive('gitlab-runner', true);
    const before = root.systemctlCalls().length;
    const r = await runStep('install-runner', { ...root.env, STUB_STOP_SECONDS: '2.5' }, runnerEnv('19.3.0'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const calls = root.systemctlCalls().slice(before).filter((c) => !c.startsWith('is-'));
    expect(calls).toEqual(['stop gitlab-runner.service', 'start gitlab-runner.service']);
    expect(r.stdout).toMatch(/stopping gitlab-runner gracefully \(SIGQUIT/);
    expect(r.stdout).toMatch(/still waiting for gitlab-runner to finish its running jobs \(1s\)/);
    expect(r.stdout).toContain('gitlab-runner 19.3.0 installed and running again');
    expect(execFileSync(path.join(root.env.GLR_BIN_DIR!, 'gitlab-runner'), ['--version']).toString()).toMatch(/^Version:\s+19\.3\.0$/m);
    // the unit already existed: `gitlab-runner install` was not run again (it would fail)
    expect(root.isActive('gitlab-runner')).toBe(true);
  });

  test('an upgrade interrupted between stop and start (deploy killed): the next run starts the service again', async () => {
    expect((await runStep('install-runner', root.env, runnerEnv('19.2.0'))).code).toBe(0);
    root.setActive('gitlab-runner', true);
    // the interrupted run: marker written, service stopped, new binary maybe not installed yet
    const marker = path.join(root.env.GLR_STATE_DIR!, 'stopped-to-restart', 'gitlab-runner');
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, '');
    root.setActive('gitlab-runner', false);
    const r = await runStep('install-runner', root.env, runnerEnv('19.3.0'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gitlab-runner 19.3.0 installed and running again');
    expect(root.isActive('gitlab-runner')).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
    // killed after the install, before the start: same version now, still started
    fs.writeFileSync(marker, '');
    root.setActive('gitlab-runner', false);
    const again = await runStep('install-runner', root.env, runnerEnv('19.3.0'));
    expect(again.stdout).toContain('starting gitlab-runner, which an interrupted upgrade left stopped');
    expect(root.isActive('gitlab-runner')).toBe(true);
    // without a marker a stopped service stays stopped (a fresh install, or the admin's choice)
    root.setActive('gitlab-runner', false);
    const idle = await runStep('install-runner', root.env, runnerEnv('19.3.0'));
    expect(idle.stdout).toContain('already installed, nothing to do');
    expect(root.isActive('gitlab-runner')).toBe(false);
  });

  test('upgrade with a wrong sha256: fails before stopping anything; the old binary keeps running', async () => {
    expect((await runStep('install-runner', root.env, runnerEnv('19.2.0'))).code).toBe(0);
    root.setActive('gitlab-runner', true);
    const before = root.systemctlCalls().length;
    const env = { ...runnerEnv('19.3.0'), GLR_RUNNER_SHA256: 'b'.repeat(64) };
    const r = await runStep('install-runner', root.env, env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`install-runner: error: sha256 mismatch for ${env.GLR_RUNNER_URL}: expected ${'b'.repeat(64)}, got ${hashOf('19.3.0/gitlab-runner-linux-amd64')}`);
    expect(root.systemctlCalls().slice(before).filter((c) => !c.startsWith('is-'))).toEqual([]);
    expect(root.isActive('gitlab-runner')).toBe(true);
    expect(execFileSync(path.join(root.env.GLR_BIN_DIR!, 'gitlab-runner'), ['--version']).toString()).toMatch(/^Version:\s+19\.2\.0$/m);
  });

  test('a unit that runs another gitlab-runner (a package install) is refused before anything changes', async () => {
    fs.writeFileSync(path.join(root.env.GLR_SYSTEMD_DIR!, 'gitlab-runner.service'), '[Service]\nExecStart=/usr/bin/gitlab-runner "run" "--working-directory" "/home/gitlab-runner"\n');
    root.setActive('gitlab-runner', true);
    const r = await runStep('install-runner', root.env, runnerEnv('19.3.0'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`gitlab-runner.service runs /usr/bin/gitlab-runner, not ${root.env.GLR_BIN_DIR}/gitlab-runner (the binary this step installs). Fix:`);
    expect(root.systemctlCalls().filter((c) => !c.startsWith('is-'))).toEqual([]);
    expect(fs.existsSync(path.join(root.env.GLR_BIN_DIR!, 'gitlab-runner'))).toBe(false);
  });

  test('preinstalled with another version fails with the fix; as the construct builds it (header + lib + body)', async () => {
    expect((await runStep('install-runner', root.env, runnerEnv('19.2.0'))).code).toBe(0);
    const r = await runBuiltStep('install-runner', root, { GLR_RUNNER_VERSION: '19.3.0', GLR_RUNNER_SOURCE: 'preinstalled', GLR_SERVICE_NAME: 'gitlab-runner' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe("[cdktf-gitlab-runner] install-runner: error: gitlab-runner reports '19.2.0', expected 19.3.0 (source 'preinstalled' installs nothing). Fix: install 19.3.0 on the host, or change the version in the construct props.\n");
  });
});

describe('install-docker', () => {
  test('docker already present: one line, nothing else', async () => {
    const r2 = makeRoot({ stubs: ['systemctl', 'docker'] });
    try {
      const r = await runStep('install-docker', r2.env, { GLR_DOCKER_SOURCE: 'distro' });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('[cdktf-gitlab-runner] install-docker: docker already installed (Docker version 24.0.0-stub), nothing to do\n');
    } finally {
      r2.cleanup();
    }
  });
  test('skip without docker fails with the fix', async () => {
    const env = { ...root.env, PATH: `${root.stub}/bin:/usr/bin:/bin` };
    expect(execFileSync('bash', ['-c', 'command -v docker || echo none'], { env }).toString().trim()).toBe('none');
    const r = await runStep('install-docker', env, { GLR_DOCKER_SOURCE: 'skip' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/docker is not installed and the Docker source is 'skip'. Fix: install Docker/);
  });
});
