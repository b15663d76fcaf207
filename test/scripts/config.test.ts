/**
 * put-secret, apply-config and enable-service in a temporary root with a stub systemctl.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildStepScript, HOST_SCRIPTS_PATH } from '../../lib/private/scripts/step-script';
import { HOST_SCRIPTS, makeRoot, mode, Root, run, runBuiltStep, runStep } from './helpers';

jest.setTimeout(30_000);

let root: Root;
let stage: string;
beforeEach(() => {
  root = makeRoot({ standinVersion: '19.3.0' });
  stage = path.join(root.env.GLR_STATE_DIR!, 'stage');
  fs.mkdirSync(stage, { recursive: true, mode: 0o700 });
});
afterEach(() => root.cleanup());

const TOKEN = 'glrt-PLACEHOLDER0000000000000';

describe('put-secret', () => {
  const put = (value: string, kind = 'token', name = 'runner-a-token') => {
    const staged = path.join(stage, `secret-${name}`);
    fs.writeFileSync(staged, value, { mode: 0o644 });
    return runStep('put-secret', root.env, { GLR_SECRET_NAME: name, GLR_SECRET_STAGED: staged, GLR_SECRET_KIND: kind });
  };

  test('moves the staged file to secrets/<name> 0600 (dir 0700), prints only the name, removes the upload', async () => {
    const r = await put(TOKEN);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[cdktf-gitlab-runner] put-secret: stored secret runner-a-token (mode 0600)\n');
    const file = path.join(root.env.GLR_SECRETS_DIR!, 'runner-a-token');
    expect(fs.readFileSync(file, 'utf8')).toBe(TOKEN);
    expect(mode(file)).toBe('600');
    expect(mode(root.env.GLR_SECRETS_DIR!)).toBe('700');
    expect(fs.existsSync(path.join(stage, 'secret-runner-a-token'))).toBe(false);
    const again = await put(TOKEN);
    expect(again.stdout).toContain('secret runner-a-token unchanged');
  });

  test('a token with a trailing newline or inner space is rejected without showing it', async () => {
    for (const bad of [`${TOKEN}\n`, 'glrt-abc def']) {
      const r = await put(bad);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/secret 'runner-a-token' is a token but contains whitespace or a newline \(\d+ bytes; the value is not shown\)/);
      expect(r.stderr + r.stdout).not.toContain('glrt-');
    }
    expect(fs.existsSync(path.join(root.env.GLR_SECRETS_DIR!, 'runner-a-token'))).toBe(false);
  });

  test('generic secrets may contain anything; a staging dir others can read is refused', async () => {
    expect((await put('multi\nline "value"\n', 'generic', 'cache-secret-key')).code).toBe(0);
    fs.chmodSync(stage, 0o755);
    const r = await put('x', 'generic', 'other');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has mode 755, expected 700');
  });

  test('secret names cannot escape the secrets dir', async () => {
    const staged = path.join(stage, 'x');
    fs.writeFileSync(staged, 'v');
    const r = await runStep('put-secret', root.env, { GLR_SECRET_NAME: '../evil', GLR_SECRET_STAGED: staged });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("secret name '../evil' is not allowed");
  });
});

describe('apply-config', () => {
  const template = (body: string) => {
    const p = path.join(stage, 'config.toml.tmpl');
    fs.writeFileSync(p, body);
    return p;
  };
  const TEMPLATE = 'concurrent = 4\n\n[[runners]]\n  name = "a"\n  token = "@@GLR_SECRET:runner-a-token@@"\n  [runners.cache.s3]\n    SecretKey = "@@GLR_SECRET:cache-secret@@"\n';
  const apply = (extra: Record<string, string> = {}) =>
    runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template(TEMPLATE), GLR_SERVICE_NAME: 'gitlab-runner', GLR_RESTART_HASH: 'r1', ...extra });
  const config = () => fs.readFileSync(root.env.GLR_CONFIG_PATH!, 'utf8');

  beforeEach(() => {
    root.writeSecret('runner-a-token', `${TOKEN}\n`);
    root.writeSecret('cache-secret', 'p"a\\ss\tword\u0001&x');
  });

  test('substitutes every marker with the TOML-escaped secret; 0600 in a 0700 dir; no restart of a stopped service', async () => {
    const r = await apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(config()).toBe(`concurrent = 4\n\n[[runners]]\n  name = "a"\n  token = "${TOKEN}"\n  [runners.cache.s3]\n    SecretKey = "p\\"a\\\\ss\\tword\\u0001&x"\n`);
    expect(mode(root.env.GLR_CONFIG_PATH!)).toBe('600');
    expect(mode(path.dirname(root.env.GLR_CONFIG_PATH!))).toBe('700');
    expect(r.stdout).not.toContain(TOKEN);
    expect(root.systemctlCalls().filter((c) => !c.startsWith('is-'))).toEqual([]);
    // parses back to the exact secret
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const toml = require('smol-toml') as { parse(s: string): any };
    expect(toml.parse(config()).runners[0].cache.s3.SecretKey).toBe('p"a\\ss\tword\u0001&x');
  });

  test('a secret whose value holds another marker gets exactly its own value, never the other secret (@ written as \\u0040)', async () => {
    root.writeSecret('cache-secret', 'pw@@GLR_SECRET:runner-a-token@@x@y');
    const r = await apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(config()).toContain('    SecretKey = "pw\\u0040\\u0040GLR_SECRET:runner-a-token\\u0040\\u0040x\\u0040y"\n');
    expect(config().split(TOKEN).length).toBe(2); // the token only where its own marker was
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const toml = require('smol-toml') as { parse(s: string): any };
    expect(toml.parse(config()).runners[0].cache.s3.SecretKey).toBe('pw@@GLR_SECRET:runner-a-token@@x@y');
  });

  test('an existing runner config dir is tightened to 0700; a shared dir is only warned about', async () => {
    fs.mkdirSync(path.dirname(root.env.GLR_CONFIG_PATH!), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.dirname(root.env.GLR_CONFIG_PATH!), 0o755);
    const r = await apply();
    expect(r.code).toBe(0);
    expect(mode(path.dirname(root.env.GLR_CONFIG_PATH!))).toBe('700');
    const shared = path.join(root.dir, 'etc', 'config.toml');
    fs.chmodSync(path.join(root.dir, 'etc'), 0o755);
    const w = await apply({ GLR_CONFIG_PATH: shared });
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/WARNING: .*\/etc has mode 755 \(not the runner's own dir, left as it is\)/);
    expect(mode(path.join(root.dir, 'etc'))).toBe('755');
    expect(mode(shared)).toBe('600');
  });

  test('unchanged -> "config.toml unchanged" and the mtime is untouched; a change is one atomic replace', async () => {
    expect((await apply()).code).toBe(0);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(root.env.GLR_CONFIG_PATH!, past, past);
    const before = fs.statSync(root.env.GLR_CONFIG_PATH!);
    const again = await apply();
    expect(again.stdout).toContain('config.toml unchanged');
    expect(fs.statSync(root.env.GLR_CONFIG_PATH!).mtimeMs).toBe(before.mtimeMs);
    const changed = await runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template(TEMPLATE.replace('concurrent = 4', 'concurrent = 5')), GLR_SERVICE_NAME: 'gitlab-runner', GLR_RESTART_HASH: 'r1' });
    expect(changed.stdout).toContain('config.toml updated');
    expect(fs.statSync(root.env.GLR_CONFIG_PATH!).ino).not.toBe(before.ino); // renamed into place
    expect(fs.readdirSync(path.dirname(root.env.GLR_CONFIG_PATH!))).toEqual(['config.toml']);
  });

  test('a running service: a normal change does NOT restart it; a changed restart hash restarts it gracefully, once', async () => {
    expect((await apply()).code).toBe(0);
    root.setActive('gitlab-runner', true);
    const n = root.systemctlCalls().length;
    const changed = await runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template(TEMPLATE.replace('concurrent = 4', 'concurrent = 8')), GLR_SERVICE_NAME: 'gitlab-runner', GLR_RESTART_HASH: 'r1' });
    expect(changed.code).toBe(0);
    expect(root.systemctlCalls().slice(n).filter((c) => !c.startsWith('is-'))).toEqual([]);
    const restart = await runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template(TEMPLATE.replace('concurrent = 4', 'listen_address = ":9252"')), GLR_SERVICE_NAME: 'gitlab-runner', GLR_RESTART_HASH: 'r2' });
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/restart hash r1 -> r2\): restarting gitlab-runner gracefully/);
    expect(root.systemctlCalls().slice(n).filter((c) => !c.startsWith('is-'))).toEqual(['stop gitlab-runner.service', 'start gitlab-runner.service']);
    const m = root.systemctlCalls().length;
    expect((await runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template(TEMPLATE), GLR_SERVICE_NAME: 'gitlab-runner', GLR_RESTART_HASH: 'r2' })).code).toBe(0);
    expect(root.systemctlCalls().slice(m).filter((c) => !c.startsWith('is-'))).toEqual([]);
  });

  test('a restart interrupted after the stop: the next run starts the service again', async () => {
    expect((await apply()).code).toBe(0);
    const marker = path.join(root.env.GLR_STATE_DIR!, 'stopped-to-restart', 'gitlab-runner');
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, '');
    const r = await apply();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('starting gitlab-runner, which an interrupted restart left stopped');
    expect(root.isActive('gitlab-runner')).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('a changed restart hash never STARTS a stopped service', async () => {
    expect((await apply()).code).toBe(0);
    expect((await apply({ GLR_RESTART_HASH: 'r9' })).code).toBe(0);
    expect(root.systemctlCalls().filter((c) => !c.startsWith('is-'))).toEqual([]);
  });

  test('a missing secret fails naming it, and the previous config.toml is untouched', async () => {
    expect((await apply()).code).toBe(0);
    const previous = config();
    const r = await runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template(TEMPLATE + '  x = "@@GLR_SECRET:nope@@"\n'), GLR_SERVICE_NAME: 'gitlab-runner' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("apply-config: error: config.toml needs secret 'nope' but");
    expect(config()).toBe(previous);
    expect(fs.readdirSync(path.dirname(root.env.GLR_CONFIG_PATH!))).toEqual(['config.toml']);
  });

  test('temp files an interrupted run left behind (older than an hour) are cleaned up', async () => {
    const dir = path.dirname(root.env.GLR_CONFIG_PATH!);
    fs.mkdirSync(dir, { recursive: true });
    const old = path.join(dir, '.config.toml.AbC123');
    const fresh = path.join(dir, '.config.toml.XyZ789');
    fs.writeFileSync(old, 'x');
    fs.writeFileSync(fresh, 'y'); // may belong to a run in progress
    const past = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(old, past, past);
    expect((await apply()).code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['.config.toml.XyZ789', 'config.toml']);
  });

  test('a malformed marker left after substitution is refused', async () => {
    const r = await runStep('apply-config', root.env, { GLR_CONFIG_TEMPLATE: template('x = "@@GLR_SECRET:bad name@@"\n'), GLR_SERVICE_NAME: 'gitlab-runner' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('still contains a @@GLR_SECRET:...@@ marker');
    expect(fs.existsSync(root.env.GLR_CONFIG_PATH!)).toBe(false);
  });
});

describe('enable-service', () => {
  const env = { GLR_SERVICE_NAME: 'gitlab-runner', GLR_CONFIG_PATH: '' };
  test('refuses without config.toml, and with a marker left in it', async () => {
    const missing = await runStep('enable-service', root.env, { ...env, GLR_CONFIG_PATH: root.env.GLR_CONFIG_PATH! });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('refusing to start gitlab-runner');
    fs.mkdirSync(path.dirname(root.env.GLR_CONFIG_PATH!), { recursive: true });
    fs.writeFileSync(root.env.GLR_CONFIG_PATH!, 'token = "@@GLR_SECRET:runner-a-token@@"\n');
    const marker = await runStep('enable-service', root.env, { ...env, GLR_CONFIG_PATH: root.env.GLR_CONFIG_PATH! });
    expect(marker.code).not.toBe(0);
    expect(marker.stderr).toContain('still contains a @@GLR_SECRET:...@@ placeholder');
    expect(root.systemctlCalls().filter((c) => c.startsWith('start') || c.startsWith('enable'))).toEqual([]);
  });

  test('enables and starts once config.toml is final, prints the version; idempotent (as the construct builds it)', async () => {
    fs.mkdirSync(path.dirname(root.env.GLR_CONFIG_PATH!), { recursive: true });
    fs.writeFileSync(root.env.GLR_CONFIG_PATH!, 'concurrent = 1\n');
    const r = await runBuiltStep('enable-service', root, { GLR_SERVICE_NAME: 'gitlab-runner', GLR_CONFIG_PATH: root.env.GLR_CONFIG_PATH! });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[cdktf-gitlab-runner] enable-service: Version:      19.3.0');
    expect(root.systemctlCalls().filter((c) => !c.startsWith('is-'))).toEqual(['daemon-reload', 'enable gitlab-runner.service', 'start gitlab-runner.service']);
    const again = await runBuiltStep('enable-service', root, { GLR_SERVICE_NAME: 'gitlab-runner', GLR_CONFIG_PATH: root.env.GLR_CONFIG_PATH! });
    expect(again.stdout).toContain('gitlab-runner already running');
    expect(root.systemctlCalls().filter((c) => c.startsWith('start')).length).toBe(1);
  });

  test('a failing start, or a service that does not come up within the bound, fails with one clear line', async () => {
    fs.mkdirSync(path.dirname(root.env.GLR_CONFIG_PATH!), { recursive: true });
    fs.writeFileSync(root.env.GLR_CONFIG_PATH!, 'concurrent = 1\n');
    const stepEnv = { ...env, GLR_CONFIG_PATH: root.env.GLR_CONFIG_PATH!, GLR_START_TIMEOUT_SECONDS: '1' };
    const fails = await runStep('enable-service', { ...root.env, STUB_START_FAILS: '1' }, stepEnv);
    expect(fails.code).not.toBe(0);
    expect(fails.stderr).toContain('enable-service: error: systemctl start gitlab-runner failed (exit 1)');
    const never = await runStep('enable-service', { ...root.env, STUB_START_NOOP: '1' }, stepEnv);
    expect(never.code).not.toBe(0);
    expect(never.stderr).toContain('enable-service: error: gitlab-runner did not become active within 1s');
  });

  test('also works in the construct\'s "host" mode, where lib.sh and the step body are sourced from the installed copy', async () => {
    const installed = path.join(root.dir, 'installed-scripts');
    fs.mkdirSync(installed);
    for (const f of fs.readdirSync(HOST_SCRIPTS)) if (f.endsWith('.sh')) fs.copyFileSync(path.join(HOST_SCRIPTS, f), path.join(installed, f));
    const text = buildStepScript('enable-service', { GLR_SERVICE_NAME: 'gitlab-runner', GLR_CONFIG_PATH: root.env.GLR_CONFIG_PATH! }, { scripts: 'host' });
    expect(text).toContain(`. ${HOST_SCRIPTS_PATH}/enable-service.sh`);
    const file = path.join(root.dir, 'host-mode.sh');
    fs.writeFileSync(file, text.split(HOST_SCRIPTS_PATH).join(installed));
    const refused = await run('bash', [file], root.env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('[cdktf-gitlab-runner] enable-service: error: refusing to start gitlab-runner');
    fs.mkdirSync(path.dirname(root.env.GLR_CONFIG_PATH!), { recursive: true });
    fs.writeFileSync(root.env.GLR_CONFIG_PATH!, 'concurrent = 1\n');
    const ok = await run('bash', [file], root.env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('[cdktf-gitlab-runner] enable-service: gitlab-runner is active');
  });
});
