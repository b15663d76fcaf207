import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GitlabRunnerManager, GitlabRunnerManagerProps, RunnerToken, SshKey, StepEngine } from '../../lib';

export interface Synthed {
  json: any;
  text: string;
  manager: GitlabRunnerManager;
}

/** A stack with sensitive variables for the token and cache keys. */
export function newStack(): { stack: TerraformStack; token: string; registration: string; accessKey: string; secretKey: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const v = (name: string) => new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
  return { stack, token: v('runner_token'), registration: v('registration_token'), accessKey: v('cache_access_key'), secretKey: v('cache_secret_key') };
}

export const SHA_A = 'a'.repeat(64);
export const SHA_B = 'b'.repeat(64);

/** Props of a typical docker+machine manager; `over` replaces top-level props. */
export function managerProps(token: string, over: Partial<GitlabRunnerManagerProps> = {}): GitlabRunnerManagerProps {
  return {
    bastion: { host: '198.51.100.10', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') },
    runnerVersion: '19.2.0',
    dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: SHA_A },
    global: { concurrent: 4 },
    runners: [{
      token: RunnerToken.authenticationToken(token),
      config: {
        name: 'docker',
        url: 'https://gitlab.example.com',
        executor: 'docker+machine',
        docker: { image: 'alpine:3.20' },
        machine: { idleCount: 0, idleTimeSeconds: 1800, machineDriver: 'amazonec2', machineOptions: ['amazonec2-region=eu-central-1'] },
      },
    }],
    ...over,
  };
}

export function synthManager(build: (s: ReturnType<typeof newStack>) => Partial<GitlabRunnerManagerProps> = () => ({}), engine?: StepEngine): Synthed {
  const s = newStack();
  const manager = new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), ...(engine ? { engine } : {}), ...build(s) });
  const text = Testing.synth(s.stack, true);
  return { json: JSON.parse(text), text, manager };
}

/** The step resources of a synthesized stack by step id (construct id), whatever the engine. */
export function stepResources(json: any): Map<string, { type: string; name: string; body: any }> {
  const out = new Map<string, { type: string; name: string; body: any }>();
  for (const type of ['null_resource', 'terraform_data']) {
    for (const [name, body] of Object.entries<any>(json.resource?.[type] ?? {})) {
      // cdktf logical ids are <scope>_<id>_<hash of the path>
      const m = /^[^_]+_(.+)_[0-9A-F]{8}$/.exec(name);
      out.set(m ? m[1] : name, { type, name, body });
    }
  }
  return out;
}

/** Triggers of a step whatever the engine. */
export function triggersOf(body: any): Record<string, string> {
  return body.triggers ?? body.triggers_replace ?? {};
}

/** The remote-exec script of a step (its inline lines, joined). */
export function remoteScript(body: any): string {
  const lines = (body.provisioner ?? []).flatMap((p: any) => p['remote-exec']?.inline ?? []);
  if (lines.length === 0) throw new Error(`no remote-exec provisioner in ${JSON.stringify(body).slice(0, 200)}`);
  return lines.join('\n');
}
