/**
 * The stand-ins follow the real contract (shared/reference/gitlab-runner-facts.md): register's
 * flag rules, run's 3-second reload and signal handling. If these drift, the e2e suite proves
 * nothing, so they are tested like product code.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitlabApi, startGitlabApi, tokenId } from '../standins/gitlab-api';
import { mode, run, STANDINS, waitFor } from './helpers';

jest.setTimeout(30_000);

const AUTH_TOKEN = 'glrt-PLACEHOLDER0000000000000';
const REG_TOKEN = 'GR1348941PLACEHOLDER000000';

let api: GitlabApi;
let dir: string;
let bin: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  api = await startGitlabApi({ authTokens: [AUTH_TOKEN], registrationTokens: [REG_TOKEN] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-standins-'));
  execFileSync('bash', [path.join(STANDINS, 'build.sh'), '19.3.0', dir]);
  bin = path.join(dir, 'gitlab-runner-linux-amd64');
  env = { PATH: process.env.PATH, HOME: dir };
});
afterEach(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await api.close();
});

const register = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  run(bin, ['register', '--non-interactive', '--url', api.url, '--executor', 'shell', '--config', path.join(dir, 'etc', 'config.toml'), ...args], { ...env, ...extraEnv });
const configText = () => fs.readFileSync(path.join(dir, 'etc', 'config.toml'), 'utf8');

describe('stand-in gitlab-runner register', () => {
  test.each([['--tag-list=a,b'], ['--run-untagged=true'], ['--locked=false'], ['--access-level=ref_protected'], ['--maximum-timeout=3600'], ['--paused=false'], ['--maintenance-note=x']])(
    'rejects registration-only flag %s with an authentication token (fatal, nothing written)',
    async (flag) => {
      const r = await register(['--token', AUTH_TOKEN, flag]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('cannot be configured when registering with a runner authentication token');
      expect(fs.existsSync(path.join(dir, 'etc', 'config.toml'))).toBe(false);
      expect(api.calls()).toEqual([]);
    },
  );

  test('authentication token: only verified; appended [[runners]] in a 0600 file in a 0700 dir; token not printed', async () => {
    const r = await register(['--token', AUTH_TOKEN, '--name', 'auth']);
    expect(r.code).toBe(0);
    expect(api.calls().map((c) => `${c.method} ${c.path} ${c.token}`)).toEqual([`POST /api/v4/runners/verify ${tokenId(AUTH_TOKEN)}`]);
    expect(configText()).toMatch(/^concurrent = 1\n/);
    expect(configText()).toContain(`[[runners]]\n  name = "auth"\n  url = "${api.url}"\n  id = 1\n  token = "${AUTH_TOKEN}"`);
    expect(mode(path.join(dir, 'etc', 'config.toml'))).toBe('600');
    expect(mode(path.join(dir, 'etc'))).toBe('700');
    expect(fs.existsSync(path.join(dir, 'etc', '.runner_system_id'))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(AUTH_TOKEN);
  });

  test('a glrt- token through -r only warns, ignores the registration-only flags and is verified, never registered', async () => {
    const r = await register(['-r', AUTH_TOKEN, '--tag-list=a']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('WARNING: A runner authentication token was passed as a registration token');
    expect(api.calls().map((c) => c.path)).toEqual(['/api/v4/runners/verify']);
  });

  test('legacy registration token (via REGISTRATION_TOKEN env): POST /runners with the flags; each run APPENDS another [[runners]]', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await register(['--name', 'legacy', '--tag-list=docker', '--run-untagged=false'], { REGISTRATION_TOKEN: REG_TOKEN });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('deprecated in GitLab Runner 15.6');
    }
    expect(configText().match(/\[\[runners\]\]/g)!.length).toBe(2);
    expect(api.runners().filter((x) => x.kind === 'legacy').map((x) => x.tagList)).toEqual(['docker', 'docker']);
    expect(api.calls().every((c) => c.path === '/api/v4/runners' && c.token === tokenId(REG_TOKEN))).toBe(true);
  });

  test('wrong registration token -> 403 and a fatal error; disabled registration -> 410', async () => {
    const wrong = await register([], { REGISTRATION_TOKEN: 'GR1348941WRONG' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('forbidden (check registration token)');
    api.setRegistrationEnabled(false);
    const gone = await register([], { REGISTRATION_TOKEN: REG_TOKEN });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('410 Gone - runner registration disallowed');
  });

  test('unregister: a legacy runner is deleted; for an authentication token only the runner manager is', async () => {
    expect((await register(['--name', 'legacy'], { REGISTRATION_TOKEN: REG_TOKEN })).code).toBe(0);
    expect((await register(['--token', AUTH_TOKEN, '--name', 'auth'])).code).toBe(0);
    const cfg = path.join(dir, 'etc', 'config.toml');
    expect((await run(bin, ['unregister', '--config', cfg, '--all-runners'], env)).code).toBe(0);
    const [auth, legacy] = api.runners();
    expect(legacy.deleted).toBe(true);
    expect(auth.deleted).toBe(false);
    expect(auth.managersDeleted.length).toBe(1);
    expect(configText()).not.toContain('[[runners]]');
  });
});

describe('stand-in gitlab-runner run', () => {
  let child: ChildProcess | undefined;
  let out = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  const cfg = () => path.join(dir, 'config.toml');
  const writeConfig = (concurrent: number) => {
    const tmp = `${cfg()}.tmp`;
    fs.writeFileSync(tmp, `concurrent = ${concurrent}\ncheck_interval = 1\n\n[[runners]]\n  name = "auth"\n  url = "${api.url}"\n  token = "${AUTH_TOKEN}"\n  executor = "shell"\n`, { mode: 0o600 });
    fs.renameSync(tmp, cfg());
  };
  const start = () => {
    out = '';
    child = spawn(bin, ['run', '--config', cfg(), '--working-directory', dir, '--service', 'gitlab-runner', '--user', 'nobody'], { env });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  };
  const jobState = (id: number) => api.jobs().find((j) => j.id === id)!.state;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  test('polls with the token (never in argv or output), reloads config.toml within 3 s of an mtime change', async () => {
    writeConfig(1);
    start();
    await waitFor(() => out.includes('Configuration loaded                                builds=1 max_builds=1'), 15000, 'first load');
    await waitFor(() => api.calls().some((c) => c.path === '/api/v4/jobs/request' && c.token === tokenId(AUTH_TOKEN)), 15000, 'a job request with the token');
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    expect(ps).not.toContain(AUTH_TOKEN);
    writeConfig(3);
    // the same process picks the change up (3 s check); the bound is generous for a loaded CI machine
    await waitFor(() => out.includes('max_builds=3'), 15000, 'reload');
    expect(out).not.toContain(AUTH_TOKEN);
    child!.kill('SIGQUIT');
    expect((await exited).code).toBe(0);
  });

  test('honours concurrent; SIGQUIT: stops requesting, waits for the running jobs, reports them successful, exits 0', async () => {
    writeConfig(2);
    const [a, b, c] = [api.queueJob(6), api.queueJob(6), api.queueJob(6)];
    start();
    await waitFor(() => jobState(a) === 'running' && jobState(b) === 'running', 15000, 'two jobs running');
    await new Promise((r) => setTimeout(r, 1200)); // a poll or more later: still only `concurrent` jobs
    expect(jobState(c)).toBe('queued');
    const quitAt = Date.now();
    child!.kill('SIGQUIT');
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect([jobState(a), jobState(b)]).toEqual(['success', 'success']);
    expect(at - quitAt).toBeGreaterThan(800); // it waited for the jobs
    expect(jobState(c)).toBe('queued'); // never picked up after SIGQUIT
    expect(out).toContain('All workers stopped. Can exit now');
  });

  test('SIGTERM: aborts the running job (reported failed) and exits at once', async () => {
    writeConfig(1);
    start();
    const job = api.queueJob(20);
    await waitFor(() => jobState(job) === 'running', 15000, 'job start');
    const termAt = Date.now();
    child!.kill('SIGTERM');
    const { at } = await exited;
    expect(at - termAt).toBeLessThan(5000); // a 20 s job: it did not wait for it
    expect(jobState(job)).toBe('failed');
  });

  test('--version prints the real format with the baked-in version', async () => {
    const r = await run(bin, ['--version'], env);
    expect(r.stdout).toMatch(/^Version:      19\.3\.0\nGit revision: \w+\n/);
  });
});
