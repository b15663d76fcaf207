/**
 * How users snapshot-test a stack built with cdktf-gitlab-runner: synthesize with validations on,
 * snapshot the whole JSON, and assert the few things that must never change by accident.
 */
import { Testing } from 'cdktf';
import { ExistingBastionStack } from './stack';

function synth(): any {
  const stack = new ExistingBastionStack(Testing.app(), 'existing-bastion');
  return JSON.parse(Testing.synth(stack, true)); // true: run the stack's validations too
}

describe('existing-bastion example', () => {
  test('snapshot of the synthesized stack', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('the service starts only after config.toml is written', () => {
    const resources = synth().resource.null_resource;
    const service = Object.entries<any>(resources).find(([name]) => name.startsWith('ci-runners_service_'))![1];
    const config = Object.keys(resources).find((name) => name.startsWith('ci-runners_config_'))!;
    expect(service.depends_on).toEqual([`null_resource.${config}`]);
  });

  test('no secret variable is read anywhere but in a file upload or its sha256 trigger', () => {
    const json = synth();
    for (const [name, r] of Object.entries<any>(json.resource.null_resource)) {
      const uploads = (r.provisioner ?? []).filter((p: any) => p.file).map((p: any) => p.file.content);
      const rest = JSON.stringify({ ...r, provisioner: (r.provisioner ?? []).filter((p: any) => !p.file), triggers: { ...r.triggers, secret: undefined } });
      expect({ name, leaks: rest.match(/var\.(runner_token|cache_access_key|cache_secret_key)/g) }).toEqual({ name, leaks: null });
      // an upload is a secret reference, or the config template read from the step's own trigger
      for (const u of uploads) expect(u).toMatch(/^\$\{(var\.[a-z_]+|self\.triggers\.config)\}$/);
    }
    expect(json.variable.runner_token.sensitive).toBe(true);
  });

  test('the config.toml trigger is readable and redacted', () => {
    const resources = synth().resource.null_resource;
    const config = Object.entries<any>(resources).find(([name]) => name.startsWith('ci-runners_config_'))![1];
    expect(config.triggers.config).toContain('executor = "docker+machine"');
    expect(config.triggers.config).toContain('token = "@@GLR_SECRET:runner-docker-autoscale-token@@"');
  });
});
