/**
 * Config model bench: validate + render a config.toml with 1,000 [[runners]] (docker+machine,
 * S3 cache, autoscaling periods, services...) next to plain smol-toml `stringify` of the same data.
 *
 *   npx ts-node --transpile-only bench/config.ts
 *
 * Each case runs in its own child process so its peak memory (maxRSS, which includes Node and
 * the loaded modules, cdktf included) is its own. The children run plain JavaScript transpiled
 * once into a temporary folder, so the TypeScript compiler (ts-node, ~80 MB) is not counted.
 * Time is the median of several runs after warm-up; the first runs warm up the JIT.
 * Target: model time <= 3x plain stringify, peak memory < 200 MB.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'smol-toml';
import type { RunnerConfigProps, RunnerProps } from '../lib/config/props.generated';
import { RunnerConfig } from '../lib/config/runner-config';

export const RUNNERS = 1000;
const WARMUP = 3;
const RUNS = 9;

/** One realistic docker+machine runner entry. */
export function benchRunner(i: number): RunnerProps {
  return {
    name: `docker-machine-${i}`,
    url: 'https://gitlab.example.com',
    id: 1000 + i,
    token: `glrt-PLACEHOLDER${String(i).padStart(13, '0')}`,
    tokenObtainedAt: '2026-01-02T03:04:05Z',
    executor: 'docker+machine',
    limit: 10,
    outputLimitKilobytes: 4096,
    requestConcurrency: 2,
    environment: ['DOCKER_DRIVER=overlay2', `RUNNER_INDEX=${i}`],
    preBuildScript: 'echo "pre build"\nuname -a',
    featureFlags: { FF_USE_FASTZIP: true, FF_SCRIPT_SECTIONS: false },
    customBuildDir: { enabled: true },
    cache: {
      type: 's3',
      shared: true,
      path: `cache/${i}`,
      s3: {
        serverAddress: 's3.amazonaws.com',
        accessKey: 'AKIAPLACEHOLDER',
        secretKey: 'PLACEHOLDER-secret',
        bucketName: 'runner-cache',
        bucketLocation: 'eu-central-1',
        insecure: false,
      },
    },
    docker: {
      image: 'alpine:3.20',
      privileged: true,
      disableCache: false,
      volumes: ['/cache', '/certs/client'],
      shmSizeBytes: 0,
      tlsVerify: false,
      pullPolicy: ['always', 'if-not-present'],
      services: [{ name: 'postgres:16', alias: 'db' }, { name: 'redis:7', alias: 'cache', command: ['redis-server', '--save', ''] }],
      sysctls: { 'net.ipv4.ip_forward': '1' },
    },
    machine: {
      idleCount: 0,
      idleScaleFactor: 1.5,
      idleCountMin: 1,
      idleTimeSeconds: 1800,
      maxBuilds: 100,
      maxGrowthRate: 5,
      machineDriver: 'amazonec2',
      machineName: `gitlab-docker-machine-${i}-%s`,
      machineOptions: [
        'amazonec2-access-key=AKIAPLACEHOLDER',
        'amazonec2-region=eu-central-1',
        'amazonec2-vpc-id=vpc-0123456789',
        'amazonec2-subnet-id=subnet-0123456789',
        'amazonec2-zone=a',
        'amazonec2-use-private-address=true',
        'amazonec2-instance-type=m5.large',
        'engine-registry-mirror=http://10.0.0.2:6000',
      ],
      autoscaling: [
        { periods: ['* * 9-17 * * mon-fri *'], idleCount: 50, idleTimeSeconds: 3600, timezone: 'Europe/Berlin' },
        { periods: ['* * * * * sat,sun *'], idleCount: 5, idleTimeSeconds: 60, idleScaleFactor: 0.5 },
      ],
    },
  };
}

export function benchProps(): RunnerConfigProps {
  const runners: RunnerProps[] = [];
  for (let i = 0; i < RUNNERS; i++) runners.push(benchRunner(i));
  return { concurrent: RUNNERS * 10, checkIntervalSeconds: 0, logLevel: 'info', logFormat: 'runner', sessionServer: { sessionTimeoutSeconds: 1800 }, runners };
}

interface CaseResult {
  readonly medianMs: number;
  readonly maxRssMb: number;
  /** RSS after loading the modules and building the props, before the measured work. */
  readonly baseRssMb: number;
  readonly bytes: number;
}

function measure(fn: () => string, baseRssMb: number): CaseResult {
  // maxRssMb here includes the garbage of all runs; the printed peak comes from a '-once' run.
  let bytes = 0;
  for (let i = 0; i < WARMUP; i++) bytes = fn().length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    bytes = fn().length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb, bytes };
}

/**
 * Time: warm-up runs, then the median of RUNS. Memory: a separate fresh process that does the
 * work exactly once, so its peak is what one validate+render needs (not the garbage of many runs).
 */
function runCase(name: string): CaseResult {
  const props = benchProps();
  const data = name.startsWith('plain') ? new RunnerConfig(props).toData() : undefined;
  // a new RunnerConfig per run: it caches its mapping and validation
  const work = data ? () => stringify(data) : () => new RunnerConfig(props).render();
  const base = process.memoryUsage().rss / 1048576;
  if (name.endsWith('-once')) {
    const bytes = work().length;
    return { medianMs: NaN, maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb: base, bytes };
  }
  return measure(work, base);
}

/** Transpiles lib/ and bench/ to JavaScript in a temporary folder; returns the bench script there. */
function transpile(): { dir: string; script: string } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as typeof import('typescript');
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-glr-bench-'));
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = ts.transpileModule(fs.readFileSync(path.join(root, child), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
          fileName: child,
        });
        const target = path.join(dir, child.replace(/\.ts$/, '.js'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, out.outputText);
      }
    }
  };
  walk('lib');
  walk('bench');
  return { dir, script: path.join(dir, 'bench', 'config.js') };
}

function child(script: string, name: string): CaseResult {
  const r = spawnSync(process.execPath, [script, '--case', name], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.resolve(__dirname, '..', 'node_modules') },
  });
  if (r.status !== 0) throw new Error(`bench case ${name} failed:\n${r.stderr.slice(0, 4000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CaseResult;
}

/** Runs both cases and prints one line per figure; returns the figures. */
export function runConfigBench(print: (line: string) => void = console.log): { model: CaseResult; plain: CaseResult; ratio: number } {
  const { dir, script } = transpile();
  let model: CaseResult;
  let plain: CaseResult;
  try {
    const modelTime = child(script, 'model');
    const modelMem = child(script, 'model-once');
    const plainTime = child(script, 'plain');
    const plainMem = child(script, 'plain-once');
    model = { ...modelTime, maxRssMb: modelMem.maxRssMb, baseRssMb: modelMem.baseRssMb };
    plain = { ...plainTime, maxRssMb: plainMem.maxRssMb, baseRssMb: plainMem.baseRssMb };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ratio = model.medianMs / plain.medianMs;
  print(`config: ${RUNNERS} [[runners]], validate+render: ${model.medianMs.toFixed(1)} ms (median of ${RUNS}), ${model.bytes} bytes`);
  print(`config: validate+render peak memory (maxRSS of a process doing it once): ${model.maxRssMb.toFixed(1)} MB (target < 200 MB; ${model.baseRssMb.toFixed(1)} MB of it before the work)`);
  print(`config: smol-toml stringify of the same data: ${plain.medianMs.toFixed(1)} ms, ${plain.bytes} bytes`);
  print(`config: smol-toml stringify peak memory (maxRSS of a process doing it once): ${plain.maxRssMb.toFixed(1)} MB (${plain.baseRssMb.toFixed(1)} MB of it before the work)`);
  print(`config: time ratio model / stringify: ${ratio.toFixed(2)}x (target <= 3x)`);
  return { model, plain, ratio };
}

if (require.main === module) {
  const i = process.argv.indexOf('--case');
  if (i >= 0) {
    process.stdout.write(`${JSON.stringify(runCase(process.argv[i + 1]))}\n`);
  } else {
    runConfigBench();
  }
}
