/**
 * The host under test, seen from the outside: commands run inside the container's namespaces
 * with nsenter (NOT over SSH, so the suite's own checks never show up in the SSH session count),
 * and files read straight from its root filesystem.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Host {
  readonly rootfs: string;
  readonly initPid: number;
  readonly sshPort: number;
  readonly privateKeyPath: string;
  readonly hostKey: string;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.rootfs = need(env, 'E2E_ROOTFS');
    this.initPid = Number(need(env, 'E2E_HOST_PID'));
    this.sshPort = Number(need(env, 'E2E_SSH_PORT'));
    this.privateKeyPath = need(env, 'E2E_SSH_KEY');
    this.hostKey = fs.readFileSync(need(env, 'E2E_HOST_KEY_FILE'), 'utf8').trim();
  }

  /** Runs `bash -c script` on the host as root. */
  sh(script: string, timeoutMs = 60_000): ExecResult {
    const r = spawnSync('nsenter', ['-t', String(this.initPid), '-m', '-u', '-i', '-p', '--', '/bin/bash', '-c', script], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
  }

  /** Like sh(), but throws with the output when the command fails. */
  must(script: string, timeoutMs?: number): string {
    const r = this.sh(script, timeoutMs);
    if (r.code !== 0) throw new Error(`host command failed (exit ${r.code}): ${script}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** Absolute path (on this machine) of a path on the host. */
  file(hostPath: string): string {
    return path.join(this.rootfs, hostPath);
  }

  exists(hostPath: string): boolean {
    return fs.existsSync(this.file(hostPath));
  }

  read(hostPath: string): string {
    return fs.readFileSync(this.file(hostPath), 'utf8');
  }

  /** Octal mode string ("600") of a host path, or undefined when it is missing. */
  mode(hostPath: string): string | undefined {
    try {
      return (fs.statSync(this.file(hostPath)).mode & 0o7777).toString(8);
    } catch {
      return undefined;
    }
  }

  /** All journal lines (message only), or those of one unit. */
  journal(unit?: string): string {
    return this.must(`journalctl --no-pager -q -o cat ${unit ? `-u ${unit}` : ''}`);
  }

  /** Journal with the unit/identifier prefix, for reports. */
  journalShort(unit: string, lines = 40): string {
    return this.sh(`journalctl --no-pager -q -o short-precise -u ${unit} | tail -n ${lines}`).stdout;
  }

  /** Number of SSH sessions sshd accepted since boot (sshd runs with LogLevel VERBOSE). */
  acceptedSshSessions(): number {
    const out = this.must('journalctl --no-pager -q -o cat _COMM=sshd + SYSLOG_IDENTIFIER=sshd');
    return out.split('\n').filter((l) => l.includes('Accepted publickey')).length;
  }

  /** SSH sessions sshd accepted for one user since boot. */
  acceptedSshSessionsFor(user: string): number {
    const out = this.must('journalctl --no-pager -q -o cat _COMM=sshd + SYSLOG_IDENTIFIER=sshd');
    return out.split('\n').filter((l) => l.includes(`Accepted publickey for ${user} `)).length;
  }

  /** Main PID of a unit (0 when not running). */
  mainPid(unit: string): number {
    return Number(this.must(`systemctl show -p MainPID --value ${unit}`).trim() || '0');
  }

  unitState(unit: string): string {
    return this.sh(`systemctl is-active ${unit}`).stdout.trim();
  }

  /** NRestarts, ExecMainStatus etc. as a map. */
  unitProps(unit: string, props: string[]): Record<string, string> {
    const out = this.must(`systemctl show ${props.map((p) => `-p ${p}`).join(' ')} ${unit}`);
    const map: Record<string, string> = {};
    for (const line of out.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) map[line.slice(0, i)] = line.slice(i + 1);
    }
    return map;
  }
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set: run the suite through test/e2e/run.sh (npm run test:e2e)`);
  return v;
}
