/**
 * What the host downloads from and talks to, all on 127.0.0.1 (the nspawn host shares this
 * machine's network): a static file server for the stand-in binaries and their .sha256 files,
 * and the stand-in GitLab API (test/standins/gitlab-api.ts) run as a child process.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

export interface ServedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** Serves the files under `root` read-only; records every request. */
export class FileServer {
  readonly requests: ServedRequest[] = [];
  private server?: http.Server;
  port = 0;

  constructor(readonly root: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
      const file = path.join(this.root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
      let status = 200;
      if (!file.startsWith(this.root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        status = 404;
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      } else {
        const body = fs.readFileSync(file);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
      }
      this.requests.push({ method: req.method ?? '?', path: rel, status });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as net.AddressInfo).port;
  }

  url(rel: string): string {
    return `http://127.0.0.1:${this.port}/${rel.replace(/^\//, '')}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** One call the stand-in API recorded (shape owned by test/standins/gitlab-api.ts). */
export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly [key: string]: unknown;
}

/** The stand-in GitLab API as a child process. */
export class StandinApi {
  private child?: ChildProcess;
  port = 0;
  private log = '';

  constructor(
    readonly repo: string,
    readonly opts: { readonly authTokenFile: string; readonly registrationTokenFile: string; readonly logFile: string },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const script = path.join(this.repo, 'test', 'standins', 'gitlab-api.ts');
    if (!fs.existsSync(script)) throw new Error(`${script} is missing: the stand-in GitLab API has not landed`);
    const out = fs.openSync(this.opts.logFile, 'a');
    this.child = spawn(
      path.join(this.repo, 'node_modules', '.bin', 'ts-node'),
      ['--transpile-only', script, '--port', String(this.port), '--auth-token-file', this.opts.authTokenFile, '--registration-token-file', this.opts.registrationTokenFile],
      { cwd: this.repo, stdio: ['ignore', out, out] },
    );
    this.child.on('exit', (code, signal) => {
      this.log += `exited code=${code} signal=${signal}\n`;
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await this.calls();
        return;
      } catch {
        if (this.child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`stand-in GitLab API did not start on ${this.url}: ${fs.readFileSync(this.opts.logFile, 'utf8').slice(-2000)}`);
        }
        await sleep(200);
      }
    }
  }

  async calls(): Promise<ApiCall[]> {
    const r = await fetch(`${this.url}/__calls`);
    if (!r.ok) throw new Error(`GET /__calls: ${r.status}`);
    const body = (await r.json()) as ApiCall[] | { calls: ApiCall[] };
    return Array.isArray(body) ? body : body.calls;
  }

  /** Queues a job of the given length; returns what the API answered (the job's id). */
  async queueJob(durationSeconds: number): Promise<{ id: number | string }> {
    const r = await fetch(`${this.url}/__jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duration: durationSeconds }),
    });
    if (!r.ok) throw new Error(`POST /__jobs: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: number | string };
  }

  stop(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
