/**
 * End-to-end scenarios (issue 4). Started by test/e2e/run.sh, which boots the host and passes
 * it in E2E_* variables. Prints the result table and exits non-zero when a scenario fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { ScratchApp, appliedAddresses, killRunning } from './lib/app';
import { Host } from './lib/host';
import { Check, Row, printTable } from './lib/report';
import { ProcSampler, Secret } from './lib/secrets';
import { FileServer, StandinApi } from './lib/servers';
import { Context, buildStandins, initialSettings, runScenarios } from './scenarios';

const REPO = process.env.E2E_REPO ?? path.resolve(__dirname, '..', '..');
const RUN_DIR = process.env.E2E_RUN_DIR ?? '';
const args = process.argv.slice(2);

function log(msg: string): void {
  console.log(`[e2e] ${msg}`);
}

export async function scenario(rows: Row[], id: string, name: string, host: Host, body: (c: Check, row: Row) => Promise<void>): Promise<Row> {
  const row: Row = { id, name, ok: false, ms: 0, sessions: '-', target: '', failures: [], notes: [] };
  rows.push(row);
  log(`--- scenario ${id}: ${name}`);
  const before = host.acceptedSshSessions();
  const t0 = Date.now();
  try {
    await body(new Check(row), row);
  } catch (e) {
    row.failures.push(`aborted: ${(e as Error).stack ?? e}`);
  }
  row.ms = Date.now() - t0;
  if (row.sessions === '-') row.sessions = host.acceptedSshSessions() - before;
  row.ok = row.failures.length === 0;
  log(`--- scenario ${id}: ${row.ok ? 'PASS' : 'FAIL'} (${(row.ms / 1000).toFixed(1)} s)`);
  for (const f of row.failures) log(`    FAIL: ${f}`);
  return row;
}

/** Harness self-test: the tiny terraform_data fixture, deployed, re-deployed, changed, destroyed. */
async function smoke(host: Host, rows: Row[]): Promise<void> {
  const app = new ScratchApp(REPO, 'test/e2e/fixtures/tiny', path.join(RUN_DIR, 'mirror-tiny'));
  const settingsFile = path.join(RUN_DIR, 'tiny-settings.json');
  const write = (concurrent: number) =>
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({ host: '127.0.0.1', port: host.sshPort, user: 'root', privateKeyPath: host.privateKeyPath, hostKey: host.hostKey, concurrent }),
    );
  const env = { SANDBOX_SETTINGS: settingsFile, TF_CLI_CONFIG_FILE: cliConfig() };
  const deploy = () => app.cdktf(['deploy', '--auto-approve'], { env, onOutput: verbose });

  write(1);
  await scenario(rows, 'S1', 'tiny fixture: fresh deploy', host, async (c, row) => {
    const before = host.acceptedSshSessions();
    const r = await deploy();
    c.that(r.code === 0, `deploy exited ${r.code}:\n${tail(r.output)}`);
    c.that(host.read('/root/e2e-config.toml') === 'concurrent = 1\n', 'config file content on host');
    const steps = appliedAddresses(r.output).created.length;
    row.sessions = host.acceptedSshSessions() - before;
    row.target = `2 steps x (file + remote-exec) = 4 sessions: ${steps} steps, ${row.sessions} sessions`;
    c.that(steps === 2, `expected 2 steps created, saw ${steps}`);
    c.that(row.sessions === 4, `expected 4 SSH sessions (one per provisioner), counted ${row.sessions}`);
  });
  await scenario(rows, 'S2', 'tiny fixture: no-change deploy', host, async (c, row) => {
    const before = host.acceptedSshSessions();
    const r = await deploy();
    row.sessions = host.acceptedSshSessions() - before;
    row.target = `0 sessions: ${row.sessions}`;
    c.that(r.code === 0, `deploy exited ${r.code}`);
    c.that(appliedAddresses(r.output).created.length === 0, 'nothing created');
    c.that(row.sessions === 0, `a no-change deploy opened ${row.sessions} SSH sessions`);
  });
  write(2);
  await scenario(rows, 'S3', 'tiny fixture: change one value', host, async (c) => {
    const r = await deploy();
    c.that(r.code === 0, `deploy exited ${r.code}`);
    const created = appliedAddresses(r.output).created;
    c.that(created.length === 1 && created[0].includes('config'), `only the config step runs, saw ${created.join(', ')}`);
    c.that(host.read('/root/e2e-config.toml') === 'concurrent = 2\n', 'changed content on host');
  });
  await scenario(rows, 'S4', 'tiny fixture: destroy', host, async (c) => {
    const r = await app.cdktf(['destroy', '--auto-approve'], { env, onOutput: verbose });
    c.that(r.code === 0, `destroy exited ${r.code}`);
  });
}

/** The eight scenarios of issue 4 against examples/local-sandbox. */
async function scenarios(host: Host, rows: Row[]): Promise<void> {
  const appRel = argValue('--app') ?? 'examples/local-sandbox';
  const example = path.join(REPO, appRel);
  if (!fs.existsSync(path.join(example, 'main.ts'))) {
    throw new Error(`${example}/main.ts is missing: the scenarios deploy examples/local-sandbox (run with --smoke to test the harness alone)`);
  }
  log(`app under test: ${appRel}`);
  const www = path.join(RUN_DIR, 'www');
  log('building the stand-in binaries (test/standins/build.sh)');
  buildStandins(REPO, www);
  const files = new FileServer(www);
  await files.start();

  const authToken = `glrt-${randomText(20)}`;
  const registrationToken = `GR1348941${randomText(20)}`;
  // S3 cache credentials, for an example that declares cache_access_key / cache_secret_key
  // variables (Terraform ignores TF_VAR_ values of undeclared variables).
  const cacheAccessKey = `E2EACCESS${randomText(16)}`;
  const cacheSecretKey = `e2e-secret-${randomText(30)}`;
  const authFile = path.join(RUN_DIR, 'api-auth-tokens');
  const regFile = path.join(RUN_DIR, 'api-registration-tokens');
  fs.writeFileSync(authFile, authToken + '\n', { mode: 0o600 });
  fs.writeFileSync(regFile, registrationToken + '\n', { mode: 0o600 });
  const api = new StandinApi(REPO, { authTokenFile: authFile, registrationTokenFile: regFile, logFile: path.join(RUN_DIR, 'gitlab-api.log') });
  await api.start();
  log(`file server ${files.url('')}, stand-in GitLab API ${api.url}`);

  const secrets: Secret[] = [
    { label: 'authentication token (TF_VAR_runner_token)', value: authToken },
    { label: 'registration token (TF_VAR_registration_token)', value: registrationToken },
    { label: 'cache access key (TF_VAR_cache_access_key)', value: cacheAccessKey },
    { label: 'cache secret key (TF_VAR_cache_secret_key)', value: cacheSecretKey },
    // The key's base64 lines, except the first: it encodes only the "openssh-key-v1" header,
    // the same in every unencrypted ed25519 key (the host's own host key included).
    ...fs
      .readFileSync(host.privateKeyPath, 'utf8')
      .split('\n')
      .filter((l) => l.length >= 40 && !l.startsWith('-----'))
      .slice(1)
      .map((value, i) => ({ label: `SSH private key (line ${i + 3})`, value })),
  ];
  const sampler = new ProcSampler(() => secrets);
  sampler.start();
  const settingsFile = path.join(RUN_DIR, 'sandbox-settings.json');
  const ctx: Context = {
    repo: REPO,
    runDir: RUN_DIR,
    host,
    app: new ScratchApp(REPO, appRel, path.join(RUN_DIR, 'mirror')),
    api,
    files,
    settings: initialSettings(files, host, api),
    settingsFile,
    env: {
      SANDBOX_SETTINGS: settingsFile,
      TF_VAR_runner_token: authToken,
      TF_VAR_registration_token: registrationToken,
      TF_VAR_cache_access_key: cacheAccessKey,
      TF_VAR_cache_secret_key: cacheSecretKey,
      TF_CLI_CONFIG_FILE: cliConfig(),
    },
    authToken,
    registrationToken,
    sampler,
    secrets,
    findings: [],
    outputs: [],
    verbose,
  };
  try {
    await runScenarios(ctx, (id, name, body) => scenario(rows, id, name, host, body));
  } finally {
    sampler.stop();
    api.stop();
    await files.stop();
  }
}

function argValue(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function randomText(n: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}

let cliConfigPath: string | undefined;
/** An empty Terraform CLI config of our own (the machine's TF_CLI_CONFIG_FILE may not exist). */
export function cliConfig(): string {
  if (!cliConfigPath) {
    cliConfigPath = path.join(RUN_DIR, 'terraformrc');
    fs.writeFileSync(cliConfigPath, '# cdktf-gitlab-runner e2e: no provider installation needed (terraform_data only)\n');
  }
  return cliConfigPath;
}

function verbose(chunk: string): void {
  if (process.env.E2E_VERBOSE === '1') process.stdout.write(chunk);
}

export function tail(s: string, n = 30): string {
  return s.trimEnd().split('\n').slice(-n).join('\n');
}

async function main(): Promise<void> {
  const host = new Host();
  const rows: Row[] = [];
  const t0 = Date.now();
  if (args.includes('--smoke')) {
    await smoke(host, rows);
  } else {
    await scenarios(host, rows);
  }
  console.log('\n' + printTable(rows));
  console.log(`\n[e2e] total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`[e2e] ${signal}: stopping the cdktf runs in flight`);
    killRunning();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

main().catch((e) => {
  console.error(`[e2e] suite error: ${(e as Error).stack ?? e}`);
  process.exitCode = 2;
});
