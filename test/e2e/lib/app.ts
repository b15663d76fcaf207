/**
 * A scratch copy of a cdktf app (an example or a fixture) and the real `cdktf` CLI run on it.
 *
 * The copy lives in the run directory inside a mirror of the repository (every other top-level
 * entry is a symlink back to the repo), so the app's relative imports (`../../lib`) and
 * node_modules resolve exactly as in the repo, while its state file and cdktf.out never touch
 * the working tree.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const SKIP = new Set(['cdktf.out', '.terraform', 'node_modules', '.gen']);

export interface RunOptions {
  /** Extra environment (secrets as TF_VAR_*, SANDBOX_SETTINGS...). */
  readonly env: Record<string, string>;
  /** Kill the CLI (SIGKILL to its process group) as soon as the output matches. */
  readonly killWhen?: RegExp;
  readonly timeoutMs?: number;
  /** Called with every output chunk (live log). */
  readonly onOutput?: (chunk: string) => void;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly ms: number;
  readonly killed: boolean;
}

export class ScratchApp {
  readonly dir: string;

  /**
   * @param repo     repository root
   * @param appRel   the app folder relative to the repo (e.g. examples/local-sandbox)
   * @param mirror   where to build the mirror of the repository
   */
  constructor(readonly repo: string, readonly appRel: string, mirror: string) {
    const parts = appRel.split('/').filter(Boolean);
    let src = repo;
    let dst = mirror;
    fs.mkdirSync(dst, { recursive: true });
    for (const part of parts) {
      for (const entry of fs.readdirSync(src)) {
        if (entry === part || entry === '.git' || /\.tfstate/.test(entry) || entry === 'cdktf.out') continue;
        fs.symlinkSync(path.join(src, entry), path.join(dst, entry));
      }
      src = path.join(src, part);
      dst = path.join(dst, part);
      fs.mkdirSync(dst);
    }
    copyApp(src, dst);
    this.dir = dst;
  }

  statePath(stack: string): string {
    return path.join(this.dir, `terraform.${stack}.tfstate`);
  }

  /** Runs `cdktf <args>` in the scratch app. */
  cdktf(args: string[], opts: RunOptions): Promise<RunResult> {
    const bin = path.join(this.repo, 'node_modules', '.bin', 'cdktf');
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(bin, args, {
        cwd: this.dir,
        detached: true, // own process group, so an interruption kills terraform too
        env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = setTimeout(kill, opts.timeoutMs ?? 10 * 60_000);
      const onData = (b: Buffer) => {
        const s = stripAnsi(b.toString('utf8'));
        output += s;
        opts.onOutput?.(s);
        if (opts.killWhen && opts.killWhen.test(output)) kill();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, output, ms: Date.now() - started, killed });
      });
    });
  }
}

function copyApp(src: string, dst: string): void {
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || /\.tfstate/.test(entry.name)) continue;
    const s = path.join(src, entry.name);
    const d = path.join(dst, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(d);
      copyApp(s, d);
    } else {
      fs.copyFileSync(s, d);
    }
  }
}

export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/**
 * Resource addresses Terraform reported as created / destroyed / modified in an apply's output
 * (`terraform_data.x: Creating...`). A step that "ran" is one that was created (its
 * provisioners ran) — replacement shows as Destroying + Creating.
 */
export function appliedAddresses(output: string): { created: string[]; destroyed: string[]; modified: string[] } {
  const pick = (verb: string) => {
    const re = new RegExp(`([A-Za-z0-9_.\\[\\]"-]+)(?: \\([^)\\n]*\\))?: ${verb}\\.\\.\\.`, 'g');
    const set = new Set<string>();
    for (const m of output.matchAll(re)) set.add(m[1]);
    return [...set].sort();
  };
  return { created: pick('Creating'), destroyed: pick('Destroying'), modified: pick('Modifying') };
}
