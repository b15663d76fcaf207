/**
 * Config model bench: validate + render a config.toml with 1,000 [[runners]] (docker+machine,
 * S3 cache, autoscaling periods, services...) next to plain smol-toml `stringify` of the same data.
 *
 *   npx ts-node --transpile-only bench/config.ts
 *
 * Times: each case in its own fresh child process (warm-up, then the median of RUNS), in
 * ROUNDS alternating rounds; the best median of each case is reported, which filters out rounds
 * slowed by other load on the machine. Peak memory: a fresh child process per case that
 * does the work once; maxRSS includes Node and the loaded modules (cdktf included), and the RSS
 * before the work is printed next to it. The children run plain JavaScript transpiled once into
 * a temporary folder, so the TypeScript compiler (ts-node, ~80 MB) is not counted.
 * Target: model time <= 3x plain stringify, peak memory < 200 MB.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { stringify } from 'smol-toml';
import type { RunnerConfigProps, RunnerProps } from '../lib/config/props.generated';
import { RunnerConfig } from '../lib/config/runner-config';
import { benchChildEnv, transpileForBench } from './transpile';

export const RUNNERS = 1000;
const WARMUP = 3;
const RUNS = 15;

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

interface TimeResult {
  readonly modelMs: number;
  readonly plainMs: number;
  readonly modelBytes: number;
  readonly plainBytes: number;
}

/** Rounds of (model, plain) timing processes; the best median of each case is reported. */
const ROUNDS = 3;

interface MemoryResult {
  /** Peak RSS of a process that loads the modules, builds the props and does the work once. */
  readonly maxRssMb: number;
  /** RSS after loading the modules and building the props, before the work. */
  readonly baseRssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Time of one case in this (fresh) process: WARMUP runs, then the median of RUNS. A new
 * RunnerConfig per run (it caches its mapping and validation).
 */
function timeCase(name: 'model' | 'plain'): { ms: number; bytes: number } {
  const props = benchProps();
  const data = new RunnerConfig(props).toData();
  const work = name === 'plain' ? (): string => stringify(data) : (): string => new RunnerConfig(props).render();
  let bytes = 0;
  for (let i = 0; i < WARMUP; i++) bytes = work().length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    bytes = work().length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(times), bytes };
}

/** Memory: a fresh process doing the work once (its peak is what one run needs). */
function memoryCase(name: 'model' | 'plain'): MemoryResult {
  const props = benchProps();
  const data = name === 'plain' ? new RunnerConfig(props).toData() : undefined;
  const baseRssMb = process.memoryUsage().rss / 1048576;
  const text = data ? stringify(data) : new RunnerConfig(props).render();
  if (text.length === 0) throw new Error('nothing rendered');
  return { maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb };
}

function child<T>(script: string, name: string): T {
  const r = spawnSync(process.execPath, [script, '--case', name], { encoding: 'utf8', env: benchChildEnv() });
  if (r.status !== 0) throw new Error(`bench case ${name} failed:\n${r.stderr.slice(0, 4000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

export interface ConfigBenchResult {
  readonly time: TimeResult;
  readonly modelMemory: MemoryResult;
  readonly plainMemory: MemoryResult;
  readonly ratio: number;
}

/** Runs the cases and prints one line per figure; returns the figures. */
export function runConfigBench(print: (line: string) => void = console.log): ConfigBenchResult {
  const { dir, cleanup } = transpileForBench();
  const script = path.join(dir, 'bench', 'config.js');
  let time: TimeResult;
  let modelMemory: MemoryResult;
  let plainMemory: MemoryResult;
  try {
    const model: number[] = [];
    const plain: number[] = [];
    let modelBytes = 0;
    let plainBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const m = child<{ ms: number; bytes: number }>(script, 'time-model');
      const p = child<{ ms: number; bytes: number }>(script, 'time-plain');
      model.push(m.ms);
      plain.push(p.ms);
      modelBytes = m.bytes;
      plainBytes = p.bytes;
    }
    time = { modelMs: Math.min(...model), plainMs: Math.min(...plain), modelBytes, plainBytes };
    modelMemory = child<MemoryResult>(script, 'memory-model');
    plainMemory = child<MemoryResult>(script, 'memory-plain');
  } finally {
    cleanup();
  }
  const ratio = time.modelMs / time.plainMs;
  print(`config: ${RUNNERS} [[runners]], validate+render: ${time.modelMs.toFixed(1)} ms (best of ${ROUNDS} process medians of ${RUNS} runs), ${time.modelBytes} bytes`);
  print(`config: validate+render peak memory (maxRSS of a process doing it once): ${modelMemory.maxRssMb.toFixed(1)} MB (target < 200 MB; ${modelMemory.baseRssMb.toFixed(1)} MB of it before the work)`);
  print(`config: smol-toml stringify of the same data: ${time.plainMs.toFixed(1)} ms (best of ${ROUNDS} process medians of ${RUNS} runs), ${time.plainBytes} bytes`);
  print(`config: smol-toml stringify peak memory (maxRSS of a process doing it once): ${plainMemory.maxRssMb.toFixed(1)} MB (${plainMemory.baseRssMb.toFixed(1)} MB of it before the work)`);
  print(`config: time ratio validate+render / stringify: ${ratio.toFixed(2)}x (target <= 3x)`);
  return { time, modelMemory, plainMemory, ratio };
}

if (require.main === module) {
  const i = process.argv.indexOf('--case');
  if (i >= 0) {
    const name = process.argv[i + 1];
    const result = name.startsWith('time-')
      ? timeCase(name === 'time-plain' ? 'plain' : 'model')
      : memoryCase(name === 'memory-plain' ? 'plain' : 'model');
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    runConfigBench();
  }
}
