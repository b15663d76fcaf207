/**
 * The synthesized JSON is valid Terraform: `terraform init` + `validate` on the terraform_data
 * sandbox stack (no provider download needed) with the real, preinstalled Terraform.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GitlabRunnerManager, RunnerToken, SshKey, StepEngine, SupportServices } from '../../lib';
import { DEFAULT_SETTINGS } from '../../examples/local-sandbox/settings';
import { LocalSandboxStack } from '../../examples/local-sandbox/stack';

const hasTerraform = (() => {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function validate(build: (key: string) => TerraformStack): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-validate-'));
  try {
    const key = path.join(dir, 'placeholder_key');
    fs.writeFileSync(key, 'placeholder, never used: validate only reads the file\n');
    const json = JSON.parse(Testing.synth(build(key), true));
    if (json.terraform) delete json.terraform.backend;
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(json));
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
    const r = spawnSync('terraform', ['validate', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr.replace(/[\s\S]*?(Error:[^\n]*\n(?:.*\n){0,3})[\s\S]*/, '$1').slice(0, 600) + r.stdout.slice(0, 200)).toContain('Success! The configuration is valid.');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(hasTerraform ? test : test.skip)('terraform validate accepts the synthesized sandbox stack', () => {
  validate((key) => new LocalSandboxStack(Testing.app(), 'local-sandbox', { ...DEFAULT_SETTINGS, privateKeyPath: key }));
}, 60000);

(hasTerraform ? test : test.skip)('terraform validate accepts references everywhere (config values, MachineOptions, cache keys, host)', () => {
  validate((key) => {
    const stack = new TerraformStack(Testing.app(), 'refs');
    const v = (name: string, sensitive = false) => new TerraformVariable(stack, name, { type: 'string', sensitive }).stringValue;
    const region = v('region');
    new GitlabRunnerManager(stack, 'ci', {
      engine: StepEngine.terraformData(),
      bastion: { host: v('host'), privateKey: SshKey.fromFile(key), hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDER ${host} %{x}' },
      runnerVersion: '19.3.0',
      dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: 'a'.repeat(64) },
      global: { concurrent: 4, listenAddress: v('listen') },
      runners: [{
        token: RunnerToken.authenticationToken(v('token', true)),
        config: {
          name: 'docker', url: v('url'), executor: 'docker+machine',
          environment: [`SECRET=${v('env_secret', true)}`, 'LITERAL=${HOME} %{x} "q" \\'],
          docker: { image: 'alpine:3.20' },
          cache: { type: 's3', s3: { serverAddress: 'minio:9005', bucketName: 'b', accessKey: v('ak', true), secretKey: v('sk', true) } },
          machine: { machineDriver: 'amazonec2', machineOptions: [`amazonec2-region=${region}`] },
        },
      }],
    });
    return stack;
  });
}, 60000);

(hasTerraform ? test : test.skip)('terraform validate accepts a SupportServices host shared by a manager (cross-construct depends_on, destroy-time teardown)', () => {
  validate((key) => {
    const stack = new TerraformStack(Testing.app(), 'services');
    const v = (name: string) => new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
    const engine = StepEngine.terraformData();
    const services = new SupportServices(stack, 'services', {
      engine,
      host: { host: '10.0.0.6', privateKey: SshKey.fromFile(key) },
      registryMirror: { address: '10.0.0.6' },
      cacheServer: { address: '10.0.0.6', accessKey: v('ak'), secretKey: v('sk') },
    });
    new GitlabRunnerManager(stack, 'ci', {
      engine,
      bastion: { host: '10.0.0.5', privateKey: SshKey.fromFile(key) },
      runnerVersion: '19.3.0',
      dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: 'a'.repeat(64) },
      supportServices: services,
      runners: [{ token: RunnerToken.authenticationToken(v('token')), config: { name: 'docker', url: 'https://gitlab.example.com', executor: 'docker+machine', docker: { image: 'alpine:3.20' }, machine: { machineDriver: 'amazonec2' } } }],
    });
    return stack;
  });
}, 60000);
