/**
 * A scratch copy of a cdktf app (an example or a fixture) and the real `cdktf` CLI run on it.
 *
 * The whole working tree (lib, scripts, examples, ...; not node_modules or .git) is copied once
 * into the run directory and node_modules is symlinked, so the app's relative imports
 * (`../../lib`) resolve exactly as in the repo, the suite tests one consistent snapshot even
 * while someone edits the tree, and the app's state file and cdktf.out never touch the
 * working tree.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Never copied, at any depth: build output and Terraform working data. */
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

/** Process groups of the cdktf runs in flight (killed when the suite itself is stopped). */
export const running = new Set<number>();

export function killRunning(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export class ScratchApp {
  /** The app folder inside the copy. */
  readonly dir: string;
  /** The root of the copy of the repository. */
  readonly root: string;

  /**
   * @param repo     repository root
   * @param appRel   the app folder relative to the repo (e.g. examples/local-sandbox)
   * @param mirror   where to put the copy of the repository
   */
  constructor(readonly repo: string, readonly appRel: string, mirror: string) {
    this.root = mirror;
    copyTree(repo, mirror, true);
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(mirror, 'node_modules'));
    this.dir = path.join(mirror, appRel);
    if (!fs.existsSync(this.dir)) throw new Error(`${appRel} is not in ${repo}`);
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
      if (child.pid) running.add(child.pid);
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
        if (child.pid) running.delete(child.pid);
        resolve({ code, signal, output, ms: Date.now() - started, killed });
      });
    });
  }
}

/** Not copied: dependencies, VCS data, build output, and state of earlier runs. */
const SKIP_TOP = new Set(['node_modules', '.git', 'dist', 'coverage', '.e2e-cache']);

function copyTree(src: string, dst: string, top = false): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if ((top && SKIP_TOP.has(entry.name)) || SKIP.has(entry.name) || /\.tfstate/.test(entry.name)) continue;
    const s = path.join(src, entry.name);
    const d = path.join(dst, entry.name);
    if (entry.isDirectory()) copyTree(s, d);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(s), d);
    else if (entry.isFile()) fs.copyFileSync(s, d);
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
    const re = new RegExp(`([A-Za-z0-9_.\\[\\]"-]+)(?: \\([^)\\n]*\\))*: ${verb}\\.\\.\\.`, 'g');
    const set = new Set<string>();
    for (const m of output.matchAll(re)) set.add(m[1]);
    return [...set].sort();
  };
  return { created: pick('Creating'), destroyed: pick('Destroying'), modified: pick('Modifying') };
}
