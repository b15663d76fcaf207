/**
 * Synth time and peak memory for 1, 10 and 100 bastions with 2 runners each, next to a baseline
 * stack with the same number of bare terraform_data resources. Each case runs in a fresh child
 * process (maxRSS is per process). Target: at most 1.5x the baseline in time and memory.
 *
 *   npx ts-node --transpile-only bench/synth.ts
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchChildEnv, transpileForBench } from './transpile';

interface Figures { ms: number; rssMb: number; resources: number }

function runCase(script: string, kind: 'library' | 'baseline', bastions: number, resources?: number): Figures {
  const out = execFileSync(process.execPath, [script, 'case', kind, String(bastions), String(resources ?? 0)], { encoding: 'utf8', env: benchChildEnv() });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function caseMain(kind: string, bastions: number, baselineResources: number): void {
  // Load the framework (and the library) before timing, in both cases alike.
  const cdktf = require('cdktf');
  const lib = kind === 'library' ? require('../lib') : undefined;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-bench-'));
  const start = process.hrtime.bigint();
  const app = new cdktf.App({ outdir });
  const stack = new cdktf.TerraformStack(app, 'bench');
  let count = 0;
  if (lib) {
    const token = new cdktf.TerraformVariable(stack, 'runner_token', { type: 'string', sensitive: true }).stringValue;
    for (let b = 0; b < bastions; b++) {
      const runner = (name: string) => ({
        token: lib.RunnerToken.authenticationToken(token),
        config: {
          name, url: 'https://gitlab.example.com', executor: 'docker+machine', limit: 5,
          docker: { image: 'alpine:3.20' },
          machine: { idleCount: 1, idleTimeSeconds: 1800, machineDriver: 'amazonec2', machineOptions: ['amazonec2-region=eu-central-1'], autoscaling: [{ periods: ['* * 8-18 * * mon-fri *'], idleCount: 2 }] },
        },
      });
      const m = new lib.GitlabRunnerManager(stack, `bastion-${b}`, {
        engine: lib.StepEngine.terraformData(),
        bastion: { host: `198.51.100.${b % 250}`, port: 22 + b, privateKey: lib.SshKey.fromFile('~/.ssh/id_ed25519') },
        runnerVersion: '19.3.0',
        dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: 'a'.repeat(64) },
        global: { concurrent: 10 },
        redactedConfigFile: false,
        runners: [runner('one'), runner('two')],
      });
      count += Object.keys(m.resources).length;
    }
  } else {
    for (let i = 0; i < baselineResources; i++) new cdktf.DataResource(stack, `r${i}`, { triggersReplace: { i: String(i) } });
    count = baselineResources;
  }
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, resources: count }));
}

if (process.argv[2] === 'case') {
  caseMain(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
} else {
  const { dir, cleanup } = transpileForBench();
  const script = path.join(dir, 'bench', 'synth.js');
  console.log('bastions  runners  resources  library ms  baseline ms  time ratio  library MB  baseline MB  memory ratio');
  for (const n of [1, 10, 100]) {
    const lib = runCase(script, 'library', n);
    const base = runCase(script, 'baseline', n, lib.resources);
    console.log(`${String(n).padStart(8)}  ${String(2 * n).padStart(7)}  ${String(lib.resources).padStart(9)}  ${lib.ms.toFixed(0).padStart(10)}  ${base.ms.toFixed(0).padStart(11)}  ${(lib.ms / base.ms).toFixed(2).padStart(10)}  ${lib.rssMb.toFixed(0).padStart(10)}  ${base.rssMb.toFixed(0).padStart(11)}  ${(lib.rssMb / base.rssMb).toFixed(2).padStart(12)}`);
  }
  console.log('target: time ratio <= 1.5, memory ratio <= 1.5 (the baseline has the same number of bare terraform_data resources)');
  cleanup();
}
