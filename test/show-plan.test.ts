/**
 * The main job (`npm run plan`, bin/show-plan.ts) as a user runs it: it synthesizes the example
 * and prints every step with its real Terraform address, in an order that respects depends_on,
 * and the redacted config.toml.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');

test('npm run plan lists every synthesized step with its address, dependencies first, and the redacted config', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-plan-'));
  try {
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'bin/show-plan.ts'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'existing-bastion', 'cdk.tf.json'), 'utf8'));
    const withSsh = Object.entries<Record<string, any>>(json.resource).flatMap(([type, rs]) => Object.entries(rs).filter(([, b]) => b.connection && !/teardown/.test(b['//']?.metadata?.path ?? '')).map(([name]) => `${type}.${name}`));
    const listed = [...r.stdout.matchAll(/^ {5}(null_resource\.\S+)$/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...withSsh].sort());
    // every step comes after the steps it depends on
    const position = new Map(listed.map((a, i) => [a, i]));
    for (const address of listed) {
      const [type, name] = address.split('.');
      for (const dep of json.resource[type][name].depends_on ?? []) {
        if (position.has(dep)) expect([address, position.get(dep)! < position.get(address)!]).toEqual([address, true]);
      }
    }
    expect(r.stdout).toContain('Host: root@var.bastion_host:22');
    expect(r.stdout).toMatch(/\n {2}token = "\[REDACTED\]"\n/);
    expect(r.stdout).not.toContain('${');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120000);
