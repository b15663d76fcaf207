/**
 * Synth-time settings of the local sandbox, read from the JSON file named by SANDBOX_SETTINGS
 * (the end-to-end suite writes it); defaults let `npx cdktf synth` work without one.
 */
import * as fs from 'fs';

export interface SandboxSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Read at apply time by Terraform's file(). */
  readonly privateKeyPath: string;
  /** The host's public key line to pin. */
  readonly hostKey?: string;
  /** Stand-in GitLab API. */
  readonly gitlabUrl: string;
  readonly runnerVersion: string;
  readonly runnerUrl: string;
  readonly runnerSha256: string;
  readonly dockerMachineVersion: string;
  readonly dockerMachineUrl: string;
  readonly dockerMachineSha256: string;
  readonly concurrent: number;
  readonly outputLimitKilobytes: number;
  readonly stopTimeoutSeconds: number;
}

export const DEFAULT_SETTINGS: SandboxSettings = {
  host: '127.0.0.1',
  port: 2222,
  user: 'root',
  privateKeyPath: '~/.ssh/cdktf-gitlab-runner-sandbox',
  gitlabUrl: 'http://127.0.0.1:18080',
  runnerVersion: '19.2.0',
  runnerUrl: 'http://127.0.0.1:18081/19.2.0/gitlab-runner-linux-amd64',
  runnerSha256: '1111111111111111111111111111111111111111111111111111111111111111',
  dockerMachineVersion: 'v0.16.2-gitlab.48',
  dockerMachineUrl: 'http://127.0.0.1:18081/dm/docker-machine-Linux-x86_64',
  dockerMachineSha256: '2222222222222222222222222222222222222222222222222222222222222222',
  concurrent: 4,
  outputLimitKilobytes: 4096,
  stopTimeoutSeconds: 600,
};

export function loadSettings(env: NodeJS.ProcessEnv = process.env): SandboxSettings {
  const file = env.SANDBOX_SETTINGS;
  if (!file) return DEFAULT_SETTINGS;
  return { ...DEFAULT_SETTINGS, ...JSON.parse(fs.readFileSync(file, 'utf8')) };
}
