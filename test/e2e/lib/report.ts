/** Scenario bookkeeping and the result table. */

export interface Row {
  readonly id: string;
  readonly name: string;
  ok: boolean;
  ms: number;
  /** SSH sessions sshd accepted during the scenario ('-' when not measured). */
  sessions: number | string;
  /** Target figures shown next to the result, e.g. "<= 2/step: 1.8". */
  target: string;
  readonly failures: string[];
  readonly notes: string[];
}

export class Check {
  constructor(private readonly row: Row) {}

  /** Records a failed expectation (the scenario goes on, so one run shows every fault). */
  that(cond: boolean, message: string): boolean {
    if (!cond) this.row.failures.push(message);
    return cond;
  }

  note(message: string): void {
    this.row.notes.push(message);
  }
}

export function printTable(rows: Row[]): string {
  const head = ['#', 'scenario', 'result', 'wall time', 'SSH sessions', 'target (measured)'];
  const sorted = [...rows].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const body = sorted.map((r) => [r.id, r.name, r.ok ? 'PASS' : 'FAIL', `${(r.ms / 1000).toFixed(1)} s`, String(r.sessions), r.target]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const sep = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  const out = [line(head), sep, ...body.map(line)];
  const details: string[] = [];
  for (const r of sorted) {
    for (const f of r.failures) details.push(`  [${r.id}] FAIL: ${f}`);
    for (const n of r.notes) details.push(`  [${r.id}] note: ${n}`);
  }
  return [...out, '', ...details].join('\n');
}
