/**
 * register (legacy registration-token flow) and teardown, against the stand-in gitlab-runner
 * and docker-machine and the stand-in GitLab API, in a temporary root.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { GitlabApi, startGitlabApi, tokenId } from '../standins/gitlab-api';
import { makeRoot, mode, Root, run, runStep } from './helpers';

jest.setTimeout(30_000);

const AUTH_TOKEN = 'glrt-PLACEHOLDER0000000000000';
const REG_TOKEN = 'GR1348941PLACEHOLDER000000';

let api: GitlabApi;
let root: Root;
let argvLog: string;
beforeEach(async () => {
  api = await startGitlabApi({ authTokens: [AUTH_TOKEN], registrationTokens: [REG_TOKEN] });
  root = makeRoot({ standinVersion: '19.3.0' });
  argvLog = path.join(root.dir, 'argv.log');
  root.env.GITLAB_RUNNER_STANDIN_ARGV_LOG = argvLog;
  root.writeSecret('runner-legacy-registration-token', REG_TOKEN);
});
afterEach(async () => {
  root.cleanup();
  await api.close();
});

const regEnv = () => ({
  GLR_URL: api.url,
  GLR_RUNNER_NAME: 'legacy',
  GLR_REGISTRATION_TOKEN_SECRET: 'runner-legacy-registration-token',
  GLR_RUNNER_TOKEN_SECRET: 'runner-legacy-token',
  GLR_REGISTER_ARGS: '--tag-list=docker,linux\n--run-untagged=false\n--locked=false\n--maintenance-note=managed by cdktf\n',
});
const argv = () => (fs.existsSync(argvLog) ? fs.readFileSync(argvLog, 'utf8') : '');
const secret = (name: string) => path.join(root.env.GLR_SECRETS_DIR!, name);

describe('register', () => {
  test('registers once: token via env only, runner token into a 0600 secret, record for teardown, config.toml untouched', async () => {
    const r = await runStep('register', root.env, regEnv());
    expect(r.stderr).toContain('deprecated in GitLab Runner 15.6'); // the stand-in's real warning
    expect(r.code).toBe(0);
    const issued = api.runners().find((x) => x.kind === 'legacy')!;
    expect(issued.tagList).toBe('docker,linux');
    const token = fs.readFileSync(secret('runner-legacy-token'), 'utf8');
    expect(tokenId(token)).toBe(issued.tokenId);
    expect(mode(secret('runner-legacy-token'))).toBe('600');
    // never in argv: neither the registration token nor the runner token
    expect(argv()).toContain('register --non-interactive --config');
    expect(argv()).toContain('--tag-list=docker,linux');
    expect(argv()).not.toContain(REG_TOKEN);
    expect(argv()).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain(REG_TOKEN);
    expect(r.stdout + r.stderr).not.toContain(token);
    // config.toml is never written by register; the scratch dir is gone
    expect(fs.existsSync(root.env.GLR_CONFIG_PATH!)).toBe(false);
    expect(fs.readdirSync(path.join(root.env.GLR_STATE_DIR!, 'register'))).toEqual([]);
    const argsSha = crypto.createHash('sha256').update(regEnv().GLR_REGISTER_ARGS).digest('hex');
    expect(fs.readFileSync(path.join(root.env.GLR_STATE_DIR!, 'registered', 'legacy'), 'utf8')).toBe(`name=legacy\nurl=${api.url}\nid=${issued.id}\ntoken_secret=runner-legacy-token\nargs_sha256=${argsSha}\n`);
    expect(api.calls().map((c) => `${c.method} ${c.path} ${c.status} ${c.token}`)).toEqual([`POST /api/v4/runners 201 ${tokenId(REG_TOKEN)}`]);

    const again = await runStep('register', root.env, regEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('runner legacy already registered');
    expect(api.calls().length).toBe(1);
  });

  test('changed registration settings: the old runner is unregistered and the runner registered again with them', async () => {
    expect((await runStep('register', root.env, regEnv())).code).toBe(0);
    const old = api.runners().find((x) => x.kind === 'legacy')!;
    const r = await runStep('register', root.env, { ...regEnv(), GLR_REGISTER_ARGS: '--tag-list=gpu\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('runner legacy was registered with other registration settings: unregistering it, then registering again');
    const legacy = api.runners().filter((x) => x.kind === 'legacy');
    expect(legacy.find((x) => x.id === old.id)!.deleted).toBe(true);
    const now = legacy.find((x) => !x.deleted)!;
    expect(now.tagList).toBe('gpu');
    expect(tokenId(fs.readFileSync(secret('runner-legacy-token'), 'utf8'))).toBe(now.tokenId);
    // the same settings again: nothing to do
    const calls = api.calls().length;
    expect((await runStep('register', root.env, { ...regEnv(), GLR_REGISTER_ARGS: '--tag-list=gpu\n' })).stdout).toContain('already registered');
    expect(api.calls().length).toBe(calls);
  });

  test('a changed URL: registered again with the new GitLab; an old GitLab that is unreachable gives a warning, not a failure', async () => {
    expect((await runStep('register', root.env, regEnv())).code).toBe(0);
    const other = await startGitlabApi({ registrationTokens: [REG_TOKEN] });
    try {
      api.setUnavailable(true); // the old GitLab is gone
      const r = await runStep('register', root.env, { ...regEnv(), GLR_URL: other.url });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`was registered with other URL (${api.url} -> ${other.url})`);
      expect(r.stderr).toContain(`could not unregister the old runner legacy`);
      const now = other.runners().find((x) => x.kind === 'legacy')!;
      expect(tokenId(fs.readFileSync(secret('runner-legacy-token'), 'utf8'))).toBe(now.tokenId);
      expect(fs.readFileSync(path.join(root.env.GLR_STATE_DIR!, 'registered', 'legacy'), 'utf8')).toContain(`url=${other.url}\n`);
    } finally {
      api.setUnavailable(false);
      await other.close();
    }
  });

  test('a run interrupted after GitLab created the runner: the next run keeps that runner instead of registering a second one', async () => {
    // what an interrupted run leaves: the scratch config of a successful `register`
    const scratch = path.join(root.env.GLR_STATE_DIR!, 'register', 'legacy', 'config.toml');
    const first = await run('gitlab-runner', ['register', '--non-interactive', '--config', scratch, '--url', api.url, '--name', 'legacy', '--executor', 'shell'], { ...root.env, REGISTRATION_TOKEN: REG_TOKEN });
    expect(first.code).toBe(0);
    expect(api.runners().filter((x) => x.kind === 'legacy').length).toBe(1);
    const r = await runStep('register', root.env, regEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('an interrupted earlier run registered legacy already');
    expect(api.runners().filter((x) => x.kind === 'legacy').length).toBe(1);
    expect(tokenId(fs.readFileSync(secret('runner-legacy-token'), 'utf8'))).toBe(api.runners().find((x) => x.kind === 'legacy')!.tokenId);
    expect(fs.existsSync(path.dirname(scratch))).toBe(false);
    expect(fs.existsSync(path.join(root.env.GLR_STATE_DIR!, 'registered', 'legacy'))).toBe(true);
  });

  test('an authentication token in the registration-token secret is refused before any API call (F03)', async () => {
    root.writeSecret('runner-legacy-registration-token', AUTH_TOKEN);
    const r = await runStep('register', root.env, regEnv());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("holds an authentication token (glrt-...), not a registration token");
    expect(r.stderr).not.toContain(AUTH_TOKEN);
    expect(api.calls()).toEqual([]);
  });

  test('registration disabled on GitLab (410): fails clearly, stores nothing', async () => {
    api.setRegistrationEnabled(false);
    const r = await runStep('register', root.env, regEnv());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('410 Gone - runner registration disallowed');
    expect(r.stderr).toContain('register: error: gitlab-runner register failed for runner legacy');
    expect(fs.existsSync(secret('runner-legacy-token'))).toBe(false);
    expect(fs.existsSync(path.join(root.env.GLR_STATE_DIR!, 'registered', 'legacy'))).toBe(false);
  });

  test('flags the step sets itself cannot be smuggled in through GLR_REGISTER_ARGS', async () => {
    const r = await runStep('register', root.env, { ...regEnv(), GLR_REGISTER_ARGS: '--registration-token=x' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("GLR_REGISTER_ARGS: '--registration-token' is set by the register step itself; remove it.");
  });
});

describe('teardown', () => {
  const dm = (...args: string[]) => run('docker-machine', args, { ...root.env, MACHINE_STORAGE_PATH: root.env.GLR_MACHINE_STORAGE_PATH });
  const machines = async () => (await dm('ls', '-q')).stdout.split('\n').filter((l) => l).sort();
  const tdEnv = { GLR_SERVICE_NAME: 'gitlab-runner', GLR_MACHINE_PREFIX: 'mgr1-', GLR_TEARDOWN_CONCURRENCY: '2' };

  async function deployed(): Promise<string> {
    expect((await runStep('register', root.env, regEnv())).code).toBe(0);
    const legacyToken = fs.readFileSync(secret('runner-legacy-token'), 'utf8');
    fs.mkdirSync(path.dirname(root.env.GLR_CONFIG_PATH!), { recursive: true });
    fs.writeFileSync(root.env.GLR_CONFIG_PATH!, `concurrent = 2\n\n[[runners]]\n  name = "auth"\n  url = "${api.url}"\n  token = "${AUTH_TOKEN}"\n  executor = "docker+machine"\n\n[[runners]]\n  name = "legacy"\n  url = "${api.url}"\n  token = "${legacyToken}"\n  executor = "docker+machine"\n`, { mode: 0o600 });
    // the runner names its machines runner-<short token>-<MachineName>
    for (const n of ['mgr1-auto-1', 'mgr1-auto-2', 'runner-abcd1234-mgr1-auto-3', 'runner-t1x-y-mgr1-auto-4', 'runner-abcd12345-mgr1-auto-5', 'runner-gr1348941abcdefgh-mgr1-auto-6', 'mgr10-auto-1', 'runner-abcd1234-mgr10-auto-1', 'runner-abcd1234-prod-mgr1-auto-1', 'other-mgr-1']) expect((await dm('create', '--driver', 'none', '--url', 'tcp://127.0.0.1:2376', n)).code).toBe(0);
    root.setActive('gitlab-runner', true);
    fs.mkdirSync(path.join(root.stub, 'enabled'), { recursive: true });
    fs.writeFileSync(path.join(root.stub, 'enabled', 'gitlab-runner'), '');
    return legacyToken;
  }

  test('stops + disables the service, removes only prefixed machines, unregisters only recorded runners, removes config and state', async () => {
    const legacyToken = await deployed();
    // what an apply-config killed mid-write leaves next to config.toml (it holds the tokens)
    const leftover = path.join(path.dirname(root.env.GLR_CONFIG_PATH!), '.config.toml.AbC123');
    fs.writeFileSync(leftover, 'token = "left over"\n', { mode: 0o600 });
    const before = api.calls().length;
    const r = await runStep('teardown', root.env, tdEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(root.systemctlCalls()).toContain('stop gitlab-runner.service');
    expect(root.isActive('gitlab-runner')).toBe(false);
    expect(root.isEnabled('gitlab-runner')).toBe(false);
    expect(await machines()).toEqual(['mgr10-auto-1', 'other-mgr-1', 'runner-abcd1234-mgr10-auto-1', 'runner-abcd1234-prod-mgr1-auto-1']); // "mgr1-" is a prefix of none; prod-mgr1 is another manager's
    const calls = api.calls().slice(before);
    expect(calls.map((c) => `${c.method} ${c.path} ${c.status} ${c.token}`)).toEqual([`DELETE /api/v4/runners 204 ${tokenId(legacyToken)}`]);
    expect(calls.some((c) => c.token === tokenId(AUTH_TOKEN))).toBe(false); // never revoke a token we did not create
    expect(api.runners().find((x) => x.kind === 'authentication')!.deleted).toBe(false);
    expect(argv()).not.toContain(legacyToken);
    expect(r.stdout + r.stderr).not.toContain(legacyToken);
    expect(fs.existsSync(root.env.GLR_CONFIG_PATH!)).toBe(false);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(root.env.GLR_STATE_DIR!)).toBe(false);
  });

  test('GitLab unavailable: says which runner failed, keeps the state, and a retry finishes the job', async () => {
    const legacyToken = await deployed();
    api.setUnavailable(true);
    const r = await runStep('teardown', root.env, tdEnv);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('teardown: error: teardown incomplete, state kept for a retry; could not remove: runner legacy');
    expect(fs.existsSync(path.join(root.env.GLR_STATE_DIR!, 'registered', 'legacy'))).toBe(true);
    expect(fs.existsSync(root.env.GLR_CONFIG_PATH!)).toBe(true);
    expect(await machines()).toEqual(['mgr10-auto-1', 'other-mgr-1', 'runner-abcd1234-mgr10-auto-1', 'runner-abcd1234-prod-mgr1-auto-1']);
    // Terraform goes on with the destroy: the retry is left on the host, with the inputs in it
    const retryScript = path.join(root.env.GLR_STATE_DIR!, 'teardown-retry.sh');
    expect(r.stderr).toContain(`Fix the cause, then finish on the host: sudo bash ${retryScript}`);
    expect(fs.statSync(retryScript).mode & 0o777).toBe(0o700);
    api.setUnavailable(false);
    const before = api.calls().length;
    const withoutInputs = Object.fromEntries(Object.entries(root.env).filter(([k]) => !k.startsWith('GLR_')));
    const retry = await run('bash', [retryScript], withoutInputs);
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(api.calls().slice(before).map((c) => `${c.method} ${c.path} ${c.status} ${c.token}`)).toEqual([`DELETE /api/v4/runners 204 ${tokenId(legacyToken)}`]);
    expect(fs.existsSync(root.env.GLR_STATE_DIR!)).toBe(false);
  });

  test('machines are removed GLR_TEARDOWN_CONCURRENCY at a time (in parallel, but bounded)', async () => {
    for (let i = 1; i <= 6; i++) expect((await dm('create', '--driver', 'none', '--url', 'tcp://127.0.0.1:2376', `mgr1-auto-${i}`)).code).toBe(0);
    // wrapper: count the rm calls running at the same time
    const wrapper = `#!/usr/bin/env bash
if [[ " $* " == *" rm "* ]]; then
  mkdir -p "$STUB_STATE/rm-running"; : >"$STUB_STATE/rm-running/$$"
  ls "$STUB_STATE/rm-running" | wc -l >>"$STUB_STATE/rm-concurrency"
  sleep 0.4; rm -f "$STUB_STATE/rm-running/$$"
fi
exec "${root.dir}/standins/docker-machine" "$@"
`;
    fs.writeFileSync(path.join(root.stub, 'bin', 'docker-machine'), wrapper, { mode: 0o755 });
    const r = await runStep('teardown', root.env, { ...tdEnv, GLR_TEARDOWN_CONCURRENCY: '3' });
    expect(r.code).toBe(0);
    const seen = fs.readFileSync(path.join(root.stub, 'rm-concurrency'), 'utf8').trim().split('\n').map(Number);
    expect(seen.length).toBe(6);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(2);
    expect(await machines()).toEqual([]);
  });

  test('a half-installed host (nothing there) tears down cleanly', async () => {
    const bare = makeRoot();
    try {
      const r = await runStep('teardown', { ...bare.env, PATH: `${bare.stub}/bin:/usr/bin:/bin` }, tdEnv);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('docker-machine not installed, no machines to remove');
    } finally {
      bare.cleanup();
    }
  });

  test('an empty machine prefix is refused (it would remove every machine)', async () => {
    const r = await runStep('teardown', root.env, { ...tdEnv, GLR_MACHINE_PREFIX: '' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('GLR_MACHINE_PREFIX is required');
  });
});
