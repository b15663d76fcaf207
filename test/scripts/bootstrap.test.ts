/**
 * bootstrap-machine (F01) and service-dropin, run for real against the stand-in docker-machine
 * in a temporary root. A wrapper records every docker-machine invocation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { makeRoot, mode, Root, run, runStep, STANDINS } from './helpers';

jest.setTimeout(30_000);

let root: Root;
beforeEach(() => {
  root = makeRoot({ standinVersion: '19.3.0' });
  // record argv, then run the stand-in
  fs.writeFileSync(path.join(root.stub, 'bin', 'docker-machine'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"$STUB_STATE/dm.log"\nexec "${root.dir}/standins/docker-machine" "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(root.stub, 'bin', 'docker-machine-driver-fake'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
});
afterEach(() => root.cleanup());

const dmCalls = () => (fs.existsSync(path.join(root.stub, 'dm.log')) ? fs.readFileSync(path.join(root.stub, 'dm.log'), 'utf8').split('\n').filter((l) => l) : []);
const creates = () => dmCalls().filter((c) => / create /.test(` ${c} `));
const certsOk = () => run('docker-machine', ['certs-ok'], { ...root.env, MACHINE_STORAGE_PATH: root.env.GLR_MACHINE_STORAGE_PATH });
const machines = async () => (await run('docker-machine', ['ls', '-q'], { ...root.env, MACHINE_STORAGE_PATH: root.env.GLR_MACHINE_STORAGE_PATH })).stdout.split('\n').filter((l) => l);

const full = {
  GLR_BOOTSTRAP_MODE: 'full',
  GLR_MACHINE_DRIVER: 'fake',
  GLR_MACHINE_OPTIONS: 'fake-region=eu-central-1\nfake-instance-type=t3.micro\nengine-registry-mirror=http://10.0.0.5:6000',
  GLR_BOOTSTRAP_MACHINE: 'mgr1-bootstrap',
  GLR_BOOTSTRAP_HASH: 'hash-1',
};

describe('bootstrap-machine', () => {
  test('full: ONE create with the real driver and every MachineOption as --opt, as the service sees HOME/MACHINE_STORAGE_PATH, then rm', async () => {
    const r = await runStep('bootstrap-machine', root.env, full);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(creates()).toEqual(['--bugsnag-api-token=no-report create --driver fake --fake-region=eu-central-1 --fake-instance-type=t3.micro --engine-registry-mirror=http://10.0.0.5:6000 mgr1-bootstrap']);
    expect(dmCalls()).toContain('--bugsnag-api-token=no-report rm -f -y mgr1-bootstrap');
    expect(await machines()).toEqual([]);
    expect((await certsOk()).code).toBe(0);
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) expect(fs.existsSync(path.join(root.env.GLR_MACHINE_STORAGE_PATH!, 'certs', f))).toBe(true);
    expect(fs.readFileSync(path.join(root.env.GLR_STATE_DIR!, 'bootstrap', 'mgr1-bootstrap.hash'), 'utf8')).toBe('hash-1\n');
    expect(r.stdout).toMatch(/bootstrap-machine: docker-machine bootstrapped: certificates in /);
  });

  test('re-run with certs and the same hash: no docker-machine create; a changed hash runs it again', async () => {
    expect((await runStep('bootstrap-machine', root.env, full)).code).toBe(0);
    const again = await runStep('bootstrap-machine', root.env, full);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already bootstrapped');
    expect(creates().length).toBe(1);
    const changed = await runStep('bootstrap-machine', root.env, { ...full, GLR_BOOTSTRAP_HASH: 'hash-2', GLR_MACHINE_OPTIONS: 'fake-region=us-east-1' });
    expect(changed.code).toBe(0);
    expect(creates().length).toBe(2);
    expect(creates()[1]).toContain('--fake-region=us-east-1');
  });

  test('create fails: the step fails naming the cause, and the machine is removed by the trap', async () => {
    const r = await runStep('bootstrap-machine', { ...root.env, DOCKER_MACHINE_STANDIN_FAIL_CREATE: '1' }, full);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('bootstrap-machine: error: docker-machine create failed (exit 1, driver fake, mode full)');
    expect(dmCalls()).toContain('--bugsnag-api-token=no-report rm -f -y mgr1-bootstrap');
    expect(await machines()).toEqual([]);
    expect(fs.existsSync(path.join(root.env.GLR_STATE_DIR!, 'bootstrap', 'mgr1-bootstrap.hash'))).toBe(false);
  });

  test('bad driver options (validated in full mode) fail the step', async () => {
    const r = await runStep('bootstrap-machine', root.env, { ...full, GLR_MACHINE_OPTIONS: 'amazonec2-region=eu-central-1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('flag provided but not defined: --amazonec2-region');
    const dashed = await runStep('bootstrap-machine', root.env, { ...full, GLR_MACHINE_OPTIONS: '--fake-region=x' });
    expect(dashed.stderr).toContain("GLR_MACHINE_OPTIONS entry '--fake-region=x' starts with '-'");
  });

  test('certs-only: driver none, no cloud options', async () => {
    const r = await runStep('bootstrap-machine', root.env, { GLR_BOOTSTRAP_MODE: 'certs-only', GLR_BOOTSTRAP_MACHINE: 'mgr1-bootstrap', GLR_BOOTSTRAP_HASH: 'h' });
    expect(r.code).toBe(0);
    expect(creates()).toEqual(['--bugsnag-api-token=no-report create --driver none --url tcp://127.0.0.1:2376 mgr1-bootstrap']);
    expect((await certsOk()).code).toBe(0);
  });

  test('two runs at once: the lock serialises them, ONE create, certificates consistent', async () => {
    const [a, b] = await Promise.all([runStep('bootstrap-machine', root.env, full), runStep('bootstrap-machine', root.env, full)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(creates().length).toBe(1);
    expect([a.stdout, b.stdout].filter((o) => o.includes('already bootstrapped')).length).toBe(1);
    const ok = await certsOk();
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  test('(control) the stand-in really corrupts certificates on concurrent first creates without the lock', async () => {
    // a 1 s key-generation window: the three creates start within it even on a loaded machine
    const env = { ...root.env, MACHINE_STORAGE_PATH: root.env.GLR_MACHINE_STORAGE_PATH, DOCKER_MACHINE_STANDIN_CERT_DELAY: '1' };
    const dm = path.join(STANDINS, 'docker-machine');
    await Promise.all(['a', 'b', 'c'].map((n) => run(dm, ['create', '--driver', 'none', '--url', 'tcp://127.0.0.1:2376', n], env)));
    expect((await certsOk()).code).not.toBe(0);
  });
});

describe('service-dropin', () => {
  const env = { GLR_SERVICE_NAME: 'gitlab-runner', GLR_STOP_TIMEOUT_SECONDS: '7200', GLR_MACHINE_STORAGE_PATH: '/root/.docker/machine' };
  const dir = () => path.join(root.env.GLR_SYSTEMD_DIR!, 'gitlab-runner.service.d');

  test('writes kill.conf (SIGQUIT + timeout) and env.conf, daemon-reload; re-run changes nothing', async () => {
    const r = await runStep('service-dropin', root.env, env);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir(), 'kill.conf'), 'utf8')).toMatch(/^\[Service\]\nKillSignal=SIGQUIT\nTimeoutStopSec=7200\n$/m);
    expect(fs.readFileSync(path.join(dir(), 'env.conf'), 'utf8')).toContain('\n[Service]\nEnvironment="MACHINE_STORAGE_PATH=/root/.docker/machine"\n');
    expect(mode(path.join(dir(), 'kill.conf'))).toBe('644');
    expect(root.systemctlCalls()).toContain('daemon-reload');
    const mtime = fs.statSync(path.join(dir(), 'kill.conf')).mtimeMs;
    const calls = root.systemctlCalls().length;
    const again = await runStep('service-dropin', root.env, env);
    expect(again.stdout).toContain('drop-ins unchanged, nothing to do');
    expect(fs.statSync(path.join(dir(), 'kill.conf')).mtimeMs).toBe(mtime);
    expect(root.systemctlCalls().slice(calls)).not.toContain('daemon-reload');
    const changed = await runStep('service-dropin', root.env, { ...env, GLR_STOP_TIMEOUT_SECONDS: 'infinity' });
    expect(changed.stdout).toContain('TimeoutStopSec=infinity');
    expect(root.systemctlCalls().slice(calls)).toContain('daemon-reload');
  });

  test('rejects a timeout that is not whole seconds', async () => {
    const r = await runStep('service-dropin', root.env, { ...env, GLR_STOP_TIMEOUT_SECONDS: '2h' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("GLR_STOP_TIMEOUT_SECONDS: got '2h', expected whole seconds or 'infinity'.");
  });
});
