/**
 * Helpers for the host-script tests: a temporary root with every GLR_ path inside it, stub
 * `systemctl` / `useradd` / `id` / `docker` that record their calls, the stand-in binaries on
 * PATH, a real local HTTP file server, and an async runner for the scripts (async because the
 * HTTP server and the stand-in API live in the test process).
 */
import { spawn, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { buildStepScript } from '../../lib/private/scripts/step-script';

export const REPO = path.resolve(__dirname, '..', '..');
export const HOST_SCRIPTS = path.join(REPO, 'scripts', 'host');
export const STANDINS = path.join(REPO, 'test', 'standins');

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; resolves when it exits (never rejects). */
export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, stdin?: string, cwd?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args as string[], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A command that exits without reading its stdin closes the pipe first; the write then fails
    // with EPIPE. That is the command's business (its exit code and output are the result), not
    // a test failure, so only EPIPE is ignored here.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    if (stdin === undefined) child.stdin.end();
    else child.stdin.end(stdin);
  });
}

const SYSTEMCTL = `#!/usr/bin/env bash
# stub systemctl: records calls, keeps unit state as files under $STUB_STATE
set -u
echo "$*" >>"$STUB_STATE/systemctl.log"
args=()
for a in "$@"; do [[ "$a" == --* ]] || args+=("$a"); done
cmd="\${args[0]:-}" unit="\${args[1]:-}"
unit="\${unit%.service}"
mkdir -p "$STUB_STATE/active" "$STUB_STATE/enabled"
case "$cmd" in
  is-active) [[ -e "$STUB_STATE/active/$unit" ]] && { [[ " $* " == *" --quiet "* ]] || echo active; exit 0; }; [[ " $* " == *" --quiet "* ]] || echo inactive; exit 3 ;;
  is-enabled) [[ -e "$STUB_STATE/enabled/$unit" ]] && exit 0; exit 1 ;;
  start) [[ -n "\${STUB_START_FAILS:-}" ]] && exit 1; [[ -n "\${STUB_START_NOOP:-}" ]] && exit 0; touch "$STUB_STATE/active/$unit" ;;
  stop) sleep "\${STUB_STOP_SECONDS:-0}"; rm -f "$STUB_STATE/active/$unit" ;;
  restart) rm -f "$STUB_STATE/active/$unit"; touch "$STUB_STATE/active/$unit" ;;
  enable) touch "$STUB_STATE/enabled/$unit"; [[ " $* " == *" --now "* ]] && touch "$STUB_STATE/active/$unit" ;;
  disable) rm -f "$STUB_STATE/enabled/$unit" ;;
  daemon-reload) ;;
  *) echo "stub systemctl: unsupported: $*" >&2; exit 1 ;;
esac
exit 0
`;

const USERADD = `#!/usr/bin/env bash
echo "$*" >>"$STUB_STATE/useradd.log"
mkdir -p "$STUB_STATE/users" && touch "$STUB_STATE/users/\${@: -1}"
`;

const ID = `#!/usr/bin/env bash
if [[ "\${1:-}" == -u && -n "\${2:-}" && -e "$STUB_STATE/users/$2" ]]; then echo 999; exit 0; fi
exec /usr/bin/id "$@"
`;

const DOCKER = `#!/usr/bin/env bash
# stub docker: records argv, keeps containers (name -> label) under $STUB_STATE/containers;
# rm of the container named by STUB_DOCKER_RM_FAIL fails
printf '%s\\n' "$*" >>"$STUB_STATE/docker.log"
mkdir -p "$STUB_STATE/containers"
case "\${1:-}" in
  --version) echo "Docker version 24.0.0-stub" ;;
  inspect)
    name="\${!#}"
    [[ -e "$STUB_STATE/containers/$name" ]] || { echo "Error: No such object: $name" >&2; exit 1; }
    [[ "\${2:-}" == -f ]] && cat "$STUB_STATE/containers/$name"; exit 0 ;;
  rm)
    [[ "\${!#}" != "\${STUB_DOCKER_RM_FAIL:-}" ]] || { echo "Error response from daemon: could not kill container" >&2; exit 1; }
    rm -f "$STUB_STATE/containers/\${!#}" ;;
  run)
    name="" label=""; shift
    while (($#)); do case "$1" in --name) name="$2"; shift 2 ;; --label) label="\${2#*=}"; shift 2 ;; --env-file) cp "$2" "$STUB_STATE/env-file-seen"; shift 2 ;; *) shift ;; esac; done
    echo "$label" >"$STUB_STATE/containers/$name"; echo "c0ffee" ;;
esac
`;

export interface Root {
  readonly dir: string;
  readonly stub: string;
  readonly env: NodeJS.ProcessEnv;
  /** Calls recorded by the stub systemctl, one string per call. */
  systemctlCalls(): string[];
  setActive(unit: string, active: boolean): void;
  isActive(unit: string): boolean;
  isEnabled(unit: string): boolean;
  writeSecret(name: string, value: string): string;
  cleanup(): void;
}

/** A temporary root: every GLR_ path inside it, stubs first on PATH, stand-ins next. */
export function makeRoot(opts: { standinVersion?: string; stubs?: readonly ('systemctl' | 'useradd' | 'id' | 'docker')[] } = {}): Root {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-scripts-'));
  const stub = path.join(dir, 'stub');
  const stubBin = path.join(stub, 'bin');
  const binDir = path.join(dir, 'usr', 'local', 'bin');
  const standinBin = path.join(dir, 'standins');
  for (const d of [stubBin, binDir, standinBin, path.join(dir, 'etc', 'systemd', 'system'), path.join(dir, 'root')]) fs.mkdirSync(d, { recursive: true });
  const stubs = opts.stubs ?? ['systemctl', 'useradd', 'id'];
  const texts = { systemctl: SYSTEMCTL, useradd: USERADD, id: ID, docker: DOCKER };
  for (const s of stubs) fs.writeFileSync(path.join(stubBin, s), texts[s], { mode: 0o755 });
  if (opts.standinVersion) {
    execFileSync('bash', [path.join(STANDINS, 'build.sh'), opts.standinVersion, standinBin]);
    fs.renameSync(path.join(standinBin, 'gitlab-runner-linux-amd64'), path.join(standinBin, 'gitlab-runner'));
    fs.renameSync(path.join(standinBin, 'docker-machine-Linux-x86_64'), path.join(standinBin, 'docker-machine'));
  }
  fs.writeFileSync(path.join(dir, 'os-release'), 'ID=debian\nVERSION_CODENAME=bookworm\n');
  const state = path.join(dir, 'var', 'lib', 'cdktf-gitlab-runner');
  const env: NodeJS.ProcessEnv = {
    PATH: [stubBin, binDir, standinBin, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    HOME: path.join(dir, 'root'),
    LANG: 'C.UTF-8',
    STUB_STATE: stub,
    GLR_STATE_DIR: state,
    GLR_SECRETS_DIR: path.join(state, 'secrets'),
    GLR_SYSTEMD_DIR: path.join(dir, 'etc', 'systemd', 'system'),
    GLR_BIN_DIR: binDir,
    GLR_CONFIG_PATH: path.join(dir, 'etc', 'gitlab-runner', 'config.toml'),
    GLR_OS_RELEASE: path.join(dir, 'os-release'),
    GLR_SERVICE_HOME: path.join(dir, 'root'),
    GLR_MACHINE_STORAGE_PATH: path.join(dir, 'root', '.docker', 'machine'),
    GLR_WORKING_DIR: path.join(dir, 'home', 'gitlab-runner'),
    GLR_DOWNLOAD_RETRIES: '2',
    GLR_PROGRESS_INTERVAL_SECONDS: '1',
    DOCKER_MACHINE_STANDIN_CERT_DELAY: '0.05',
  };
  return {
    dir,
    stub,
    env,
    systemctlCalls: () => (fs.existsSync(path.join(stub, 'systemctl.log')) ? fs.readFileSync(path.join(stub, 'systemctl.log'), 'utf8').split('\n').filter((l) => l) : []),
    setActive: (unit, active) => {
      fs.mkdirSync(path.join(stub, 'active'), { recursive: true });
      const f = path.join(stub, 'active', unit);
      if (active) fs.writeFileSync(f, '');
      else fs.rmSync(f, { force: true });
    },
    isActive: (unit) => fs.existsSync(path.join(stub, 'active', unit)),
    isEnabled: (unit) => fs.existsSync(path.join(stub, 'enabled', unit)),
    writeSecret: (name, value) => {
      const d = env.GLR_SECRETS_DIR!;
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
      const p = path.join(d, name);
      fs.writeFileSync(p, value, { mode: 0o600 });
      return p;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs scripts/host/<name>.sh standalone (it sources lib.sh itself). */
export function runStep(name: string, env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): Promise<Result> {
  return run('bash', [path.join(HOST_SCRIPTS, `${name}.sh`)], { ...env, ...extra });
}

/** Runs the step as the construct ships it: buildStepScript(name, glrEnv) in one file (the
 * header's assignments win over the temp root's environment). */
export function runBuiltStep(name: string, root: Root, glrEnv: Record<string, string>): Promise<Result> {
  const file = path.join(root.dir, `${name}.built.sh`);
  fs.writeFileSync(file, buildStepScript(name, glrEnv), { mode: 0o700 });
  return run('bash', [file], root.env);
}

export interface FileServer {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/** A real HTTP server for `dir` on loopback (404 for missing files; /fail-N fails N times). */
export function serveDir(dir: string): Promise<FileServer> {
  const requests: string[] = [];
  const failures = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const flaky = /^\/flaky-(\d+)\/(.*)$/.exec(url);
    let rel = url;
    if (flaky) {
      const seen = failures.get(url) ?? 0;
      failures.set(url, seen + 1);
      if (seen < Number(flaky[1])) {
        res.writeHead(503);
        res.end('try again');
        return;
      }
      rel = '/' + flaky[2];
    }
    const file = path.join(dir, path.normalize(rel).replace(/^\/+/, ''));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

export function sha256File(file: string): string {
  return execFileSync('sha256sum', [file]).toString().split(' ')[0];
}

export function mode(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8);
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
