/**
 * An autoscaled docker+machine runner on an existing bastion (see main.ts for the app).
 */
import { LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DockerSource, GitlabRunnerManager, MachineBootstrap, RunnerInstallSource, RunnerToken, SshKey } from '../../lib';

export class ExistingBastionStack extends TerraformStack {
  public readonly manager: GitlabRunnerManager;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State next to the app (as cdktf's default), but as a relative path: snapshots and
    // cdktf.out stay free of absolute paths. Terraform runs in cdktf.out/stacks/<id>.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    const host = new TerraformVariable(this, 'bastion_host', { type: 'string', description: 'IP or DNS name of the bastion' });
    const keyPath = new TerraformVariable(this, 'ssh_private_key_path', { type: 'string', default: '~/.ssh/id_ed25519', description: 'Private key file for root on the bastion' });
    const token = new TerraformVariable(this, 'runner_token', { type: 'string', sensitive: true, description: 'Runner authentication token (glrt-...) of a runner created in GitLab' });
    const cacheAccessKey = new TerraformVariable(this, 'cache_access_key', { type: 'string', sensitive: true });
    const cacheSecretKey = new TerraformVariable(this, 'cache_secret_key', { type: 'string', sensitive: true });

    this.manager = new GitlabRunnerManager(this, 'ci-runners', {
      bastion: { host: host.stringValue, privateKey: SshKey.fromFile(keyPath.stringValue) },
      runnerVersion: '19.3.0',
      runnerSource: RunnerInstallSource.packageRepository(),
      docker: DockerSource.distroPackages(),
      dockerMachine: {
        version: 'v0.16.2-gitlab.48',
        // Placeholder: pin the sha256 of the binary you reviewed (GitLab publishes none).
        sha256: '0000000000000000000000000000000000000000000000000000000000000000',
      },
      bootstrap: MachineBootstrap.fullMachine(),
      stopTimeoutSeconds: 7200,
      global: { concurrent: 10, checkIntervalSeconds: 3, logLevel: 'info' },
      runners: [{
        token: RunnerToken.authenticationToken(token.stringValue),
        config: {
          name: 'docker-autoscale',
          url: 'https://gitlab.com',
          executor: 'docker+machine',
          limit: 10,
          docker: { image: 'alpine:3.20', privileged: false },
          cache: {
            type: 's3',
            shared: true,
            s3: {
              serverAddress: 's3.amazonaws.com',
              bucketName: 'example-runner-cache',
              bucketLocation: 'eu-central-1',
              accessKey: cacheAccessKey.stringValue,
              secretKey: cacheSecretKey.stringValue,
            },
          },
          machine: {
            idleCount: 0,
            idleTimeSeconds: 1800,
            maxBuilds: 10,
            machineDriver: 'amazonec2',
            machineOptions: [
              'amazonec2-region=eu-central-1',
              'amazonec2-vpc-id=vpc-0123456789abcdef0',
              'amazonec2-instance-type=m6i.large',
            ],
            autoscaling: [
              { periods: ['* * 8-18 * * mon-fri *'], idleCount: 2, idleTimeSeconds: 1800, timezone: 'Europe/Berlin' },
            ],
          },
        },
      }],
    });
  }
}
