/**
 * Stand-in GitLab API for the script tests and the e2e suite (Node http, no dependencies).
 *
 * Run:  npx ts-node --transpile-only test/standins/gitlab-api.ts --port 18080 \
 *         [--host 127.0.0.1] [--auth-token-file F] [--registration-token-file F] \
 *         [--registration-disabled] [--port-file F]
 * Token files hold one token per line. `--port 0` picks a free port; the chosen port is printed
 * as `gitlab-api listening on http://127.0.0.1:PORT` and written to --port-file.
 *
 * Runner API (what gitlab-runner calls; bodies are JSON with a `token` field):
 *   POST   /api/v4/runners          legacy registration (registration token) -> 201 {id, token}
 *                                   403 unknown token; 410 when registration is disabled
 *   POST   /api/v4/runners/verify   200 {id, token} for a known runner token, else 403
 *   DELETE /api/v4/runners          deletes the runner with that token: 204, else 403
 *   DELETE /api/v4/runners/managers deletes the runner manager (system_id) of a runner: 204
 *   POST   /api/v4/jobs/request     201 + a queued job {id, token, standin_duration_seconds}, 204 none
 *   PUT    /api/v4/jobs/:id         records the job's final state {token, state}
 * Test API:
 *   GET  /__calls   every call: {seq, method, path, status, token: tokenId(token) | null}
 *   POST /__jobs    {duration_seconds} queues a job -> {id};  GET /__jobs lists jobs and states
 *   GET  /__runners the runners GitLab knows (id, kind, description, tokenId, deleted)
 *   POST /__registration {enabled} turns legacy registration on/off
 *   POST /__unavailable {unavailable} makes every runner API call answer 503 (GitLab down)
 * Tokens are never logged or returned by the test API: only tokenId(token) = "sha256:" + the
 * first 12 hex digits of the token's sha256 (tests compute the same with the exported tokenId).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';

export interface GitlabApiOptions {
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  /** Authentication tokens (glrt-...) of runners created in GitLab beforehand. */
  readonly authTokens?: readonly string[];
  /** Registration tokens accepted by POST /api/v4/runners. */
  readonly registrationTokens?: readonly string[];
  /** Legacy registration disabled: POST /api/v4/runners answers 410. */
  readonly registrationDisabled?: boolean;
}

export interface ApiCall {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly token: string | null;
  readonly systemId?: string;
}

interface Runner {
  id: number;
  token: string;
  kind: 'authentication' | 'legacy';
  description: string;
  tagList: string;
  deleted: boolean;
  managersDeleted: string[];
}

interface Job {
  id: number;
  token: string;
  durationSeconds: number;
  state: 'queued' | 'running' | 'success' | 'failed' | string;
  runnerId?: number;
}

export interface GitlabApi {
  readonly url: string;
  readonly port: number;
  calls(): ApiCall[];
  queueJob(durationSeconds: number): number;
  jobs(): Array<Omit<Job, 'token'>>;
  runners(): Array<Omit<Runner, 'token'> & { tokenId: string }>;
  setRegistrationEnabled(enabled: boolean): void;
  /** While unavailable, every runner API call answers 503 (GitLab down or unreachable). */
  setUnavailable(unavailable: boolean): void;
  close(): Promise<void>;
}

/** The short, one-way id under which a token appears in the call log. */
export function tokenId(token: string): string {
  return 'sha256:' + crypto.createHash('sha256').update(token).digest('hex').slice(0, 12);
}

function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function startGitlabApi(options: GitlabApiOptions = {}): Promise<GitlabApi> {
  const host = options.host ?? '127.0.0.1';
  const runners = new Map<string, Runner>();
  const calls: ApiCall[] = [];
  const jobs: Job[] = [];
  let registrationEnabled = !options.registrationDisabled;
  let unavailable = false;
  let nextRunnerId = 1;
  let nextJobId = 1;
  const registrationTokens = new Set(options.registrationTokens ?? []);
  for (const token of options.authTokens ?? []) {
    runners.set(token, { id: nextRunnerId++, token, kind: 'authentication', description: '', tagList: '', deleted: false, managersDeleted: [] });
  }
  const liveRunner = (token: unknown) => {
    const r = typeof token === 'string' ? runners.get(token) : undefined;
    return r && !r.deleted ? r : undefined;
  };

  const queueJob = (durationSeconds: number) => {
    const job: Job = { id: nextJobId++, token: 'job-' + randomToken(20), durationSeconds, state: 'queued' };
    jobs.push(job);
    return job.id;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          body = Object.fromEntries(new URLSearchParams(raw));
        }
      }
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0];
      const token = typeof body.token === 'string' ? body.token : null;
      const send = (status: number, payload?: unknown) => {
        if (!path.startsWith('/__')) {
          calls.push({
            seq: calls.length + 1,
            method,
            path,
            status,
            token: token === null ? null : tokenId(token),
            ...(typeof body.system_id === 'string' ? { systemId: body.system_id } : {}),
          });
        }
        const text = payload === undefined ? '' : JSON.stringify(payload);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      };

      // ---- test API ----
      if (method === 'GET' && path === '/__calls') return send(200, calls);
      if (method === 'GET' && path === '/__jobs') return send(200, jobs.map(({ token: _t, ...j }) => j));
      if (method === 'POST' && path === '/__jobs') {
        const duration = Number(body.duration_seconds ?? body.duration ?? 1);
        return send(201, { id: queueJob(Number.isFinite(duration) && duration >= 0 ? duration : 1) });
      }
      if (method === 'GET' && path === '/__runners') return send(200, api.runners());
      if (method === 'POST' && path === '/__registration') {
        registrationEnabled = body.enabled === true || body.enabled === 'true';
        return send(200, { enabled: registrationEnabled });
      }

      if (method === 'POST' && path === '/__unavailable') {
        unavailable = body.unavailable === true || body.unavailable === 'true';
        return send(200, { unavailable });
      }

      // ---- runner API ----
      if (unavailable) return send(503, { message: '503 Service Unavailable' });
      if (method === 'POST' && path === '/api/v4/runners') {
        if (!registrationEnabled) return send(410, { message: '410 Gone - runner registration disallowed' });
        if (token === null || !registrationTokens.has(token)) return send(403, { message: '403 Forbidden' });
        const runner: Runner = {
          id: nextRunnerId++,
          token: randomToken(20),
          kind: 'legacy',
          description: String(body.description ?? ''),
          tagList: String(body.tag_list ?? ''),
          deleted: false,
          managersDeleted: [],
        };
        runners.set(runner.token, runner);
        return send(201, { id: runner.id, token: runner.token, token_expires_at: null });
      }
      if (method === 'POST' && path === '/api/v4/runners/verify') {
        const r = liveRunner(token);
        return r ? send(200, { id: r.id, token: r.token, token_expires_at: null }) : send(403, { message: '403 Forbidden' });
      }
      if (method === 'DELETE' && path === '/api/v4/runners') {
        const r = liveRunner(token);
        if (!r) return send(403, { message: '403 Forbidden' });
        r.deleted = true;
        return send(204);
      }
      if (method === 'DELETE' && path === '/api/v4/runners/managers') {
        const r = liveRunner(token);
        if (!r) return send(403, { message: '403 Forbidden' });
        r.managersDeleted.push(String(body.system_id ?? ''));
        return send(204);
      }
      if (method === 'POST' && path === '/api/v4/jobs/request') {
        const r = liveRunner(token);
        if (!r) return send(403, { message: '403 Forbidden' });
        const job = jobs.find((j) => j.state === 'queued');
        if (!job) return send(204);
        job.state = 'running';
        job.runnerId = r.id;
        return send(201, { id: job.id, token: job.token, standin_duration_seconds: job.durationSeconds, steps: [{ name: 'script', script: [`sleep ${job.durationSeconds}`] }] });
      }
      const jobMatch = /^\/api\/v4\/jobs\/(\d+)$/.exec(path);
      if (method === 'PUT' && jobMatch) {
        const job = jobs.find((j) => j.id === Number(jobMatch[1]));
        if (!job || token !== job.token) return send(403, { message: '403 Forbidden' });
        job.state = String(body.state ?? 'unknown');
        return send(200);
      }
      return send(404, { message: '404 Not Found' });
    });
  });

  const api: GitlabApi = {
    url: '',
    port: 0,
    calls: () => calls.slice(),
    queueJob,
    jobs: () => jobs.map(({ token: _t, ...j }) => ({ ...j })),
    runners: () => Array.from(runners.values(), ({ token: t, managersDeleted, ...r }) => ({ ...r, managersDeleted: managersDeleted.slice(), tokenId: tokenId(t) })),
    setRegistrationEnabled: (enabled) => {
      registrationEnabled = enabled;
    },
    setUnavailable: (value) => {
      unavailable = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      Object.assign(api, { port, url: `http://${host}:${port}` });
      resolve(api);
    });
  });
}

function readTokens(file: string | undefined): string[] {
  if (!file) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  startGitlabApi({
    host: arg('--host'),
    port: Number(arg('--port') ?? 0),
    authTokens: readTokens(arg('--auth-token-file')),
    registrationTokens: readTokens(arg('--registration-token-file')),
    registrationDisabled: argv.includes('--registration-disabled'),
  }).then(
    (api) => {
      const portFile = arg('--port-file');
      if (portFile) fs.writeFileSync(portFile, `${api.port}\n`);
      process.stdout.write(`gitlab-api listening on ${api.url}\n`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: Error) => {
      process.stderr.write(`gitlab-api: cannot listen: ${error.message}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main(process.argv.slice(2));
