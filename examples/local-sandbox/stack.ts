/**
 * The local sandbox: a Debian/systemd host on loopback, provisioned with the built-in
 * terraform_data engine (no provider download). The end-to-end suite deploys it.
 */
import { LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DockerSource, GitlabRunnerManager, MachineBootstrap, RunnerInstallSource, RunnerToken, SshKey, StepEngine } from '../../lib';
import { SandboxSettings } from './settings';

export class LocalSandboxStack extends TerraformStack {
  public readonly manager: GitlabRunnerManager;

  constructor(scope: Construct, id: string, s: SandboxSettings) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    const runnerToken = new TerraformVariable(this, 'runner_token', { type: 'string', sensitive: true, description: 'Authentication token (glrt-...) of runner "auth-runner"' });
    const registrationToken = new TerraformVariable(this, 'registration_token', { type: 'string', sensitive: true, description: 'Legacy registration token for runner "legacy-runner"' });
    const cacheAccessKey = new TerraformVariable(this, 'cache_access_key', { type: 'string', sensitive: true, description: 'S3 cache access key of runner "auth-runner"' });
    const cacheSecretKey = new TerraformVariable(this, 'cache_secret_key', { type: 'string', sensitive: true, description: 'S3 cache secret key of runner "auth-runner"' });
    // a deploy-time value in a step script (the register step's --tag-list): reaches the host base64-encoded
    const legacyTag = new TerraformVariable(this, 'legacy_runner_tag', { type: 'string', default: 'deploy-time-tag', description: 'A second tag of runner "legacy-runner"' });

    this.manager = new GitlabRunnerManager(this, 'sandbox', {
      engine: StepEngine.terraformData(),
      bastion: { host: s.host, port: s.port, user: s.user, privateKey: SshKey.fromFile(s.privateKeyPath), hostKey: s.hostKey, connectTimeout: '30s' },
      runnerVersion: s.runnerVersion,
      runnerSource: RunnerInstallSource.binary({ url: s.runnerUrl, sha256: s.runnerSha256 }),
      docker: DockerSource.preinstalled(),
      dockerMachine: { version: s.dockerMachineVersion, url: s.dockerMachineUrl, sha256: s.dockerMachineSha256 },
      bootstrap: MachineBootstrap.fullMachine(),
      stopTimeoutSeconds: s.stopTimeoutSeconds,
      longestJobSeconds: 300,
      global: { concurrent: s.concurrent, checkIntervalSeconds: 3 },
      runners: [
        {
          token: RunnerToken.authenticationToken(runnerToken.stringValue),
          config: {
            name: 'auth-runner',
            url: s.gitlabUrl,
            executor: 'docker+machine',
            outputLimitKilobytes: s.outputLimitKilobytes,
            docker: { image: 'alpine:3.20' },
            cache: {
              type: 's3',
              shared: true,
              s3: { serverAddress: '127.0.0.1:9005', bucketName: 'runner', insecure: true, accessKey: cacheAccessKey.stringValue, secretKey: cacheSecretKey.stringValue },
            },
            machine: {
              idleCount: 0,
              idleTimeSeconds: 600,
              machineDriver: 'none',
              machineOptions: ['url=tcp://127.0.0.1:2376'],
            },
          },
        },
        {
          token: RunnerToken.registrationToken(registrationToken.stringValue, { tagList: ['sandbox', legacyTag.stringValue], runUntagged: true }),
          config: { name: 'legacy-runner', url: s.gitlabUrl, executor: 'shell' },
        },
      ],
    });
  }
}
