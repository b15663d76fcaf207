/**
 * Scenario 8 (F11): where secrets must never show up. Every finding names the secret by its
 * label, never by value, so the suite's own output cannot leak what it looks for.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Secret {
  readonly label: string;
  readonly value: string;
}

export interface Finding {
  readonly secret: string;
  readonly where: string;
}

/** Secrets shorter than this are not searched for (too many false positives). */
const MIN = 12;

export function findIn(text: string, secrets: readonly Secret[], where: string): Finding[] {
  return secrets.filter((s) => s.value.length >= MIN && text.includes(s.value)).map((s) => ({ secret: s.label, where }));
}

/** Every file under `dir` (symlinks not followed). */
export function scanTree(dir: string, secrets: readonly Secret[]): Finding[] {
  const out: Finding[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(...findIn(fs.readFileSync(p, 'latin1'), secrets, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

type StatePath = Array<{ type: string; value: unknown }>;

/**
 * A Terraform state file: every attribute value NOT covered by the instance's
 * `sensitive_attributes`, and every output not marked sensitive.
 */
export function scanState(stateFile: string, secrets: readonly Secret[]): Finding[] {
  if (!fs.existsSync(stateFile)) return [];
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const out: Finding[] = [];
  for (const [name, o] of Object.entries<{ value: unknown; sensitive?: boolean }>(state.outputs ?? {})) {
    if (!o.sensitive) out.push(...findIn(JSON.stringify(o.value), secrets, `state output ${name}`));
  }
  for (const r of state.resources ?? []) {
    for (const inst of r.instances ?? []) {
      const sensitive: StatePath[] = inst.sensitive_attributes ?? [];
      const addr = `${r.type}.${r.name}`;
      const visit = (value: unknown, at: Array<string | number>) => {
        if (sensitive.some((p) => isPrefix(p, at))) return;
        if (typeof value === 'string') out.push(...findIn(value, secrets, `state ${addr} attribute ${at.join('.')}`));
        else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...at, i]));
        else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, [...at, k]);
      };
      visit(inst.attributes ?? {}, []);
    }
  }
  return out;
}

function isPrefix(p: StatePath | Array<{ type: string; value: unknown }>, at: Array<string | number>): boolean {
  const steps = Array.isArray(p) ? p : [];
  if (steps.length > at.length) return false;
  return steps.every((s, i) => String(s.value) === String(at[i]) || (s.type === 'index' && typeof s.value === 'object' && s.value !== null && String((s.value as { value: unknown }).value) === String(at[i])));
}

/**
 * Samples every process's argv on this machine (the nspawn host's processes included: they
 * are visible in our PID namespace) every `intervalMs`, looking for secrets on command lines.
 */
export class ProcSampler {
  readonly findings: Finding[] = [];
  samples = 0;
  private timer?: NodeJS.Timeout;
  private readonly seen = new Set<string>();

  constructor(private readonly secrets: () => readonly Secret[], private readonly intervalMs = 100) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  sample(): void {
    this.samples++;
    const secrets = this.secrets();
    let pids: string[];
    try {
      pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      let argv: string;
      try {
        argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      } catch {
        continue;
      }
      if (!argv) continue;
      for (const f of findIn(argv, secrets, '')) {
        let comm = '?';
        try {
          comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          /* exited */
        }
        const key = `${f.secret}:${comm}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.findings.push({ secret: f.secret, where: `argv of process ${pid} (${comm}): ${redact(argv.replace(/\0/g, ' '), secrets).slice(0, 160)}` });
      }
    }
  }
}

export function redact(text: string, secrets: readonly Secret[]): string {
  let out = text;
  for (const s of secrets) if (s.value.length >= MIN) out = out.split(s.value).join(`<${s.label}>`);
  return out;
}
