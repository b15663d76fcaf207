import { GitlabRunnerManager } from '../../lib';
import { managerProps, newStack, stepResources, synthManager, triggersOf } from './helpers';

describe('registry mirror and cache server (the seed\'s optional step)', () => {
  test('GIVEN a registry mirror WHEN synthesized THEN it runs after Docker and MachineOptions point at it', () => {
    const { json, manager } = synthManager(() => ({ registryMirror: { address: '10.0.0.5' } }));
    const ids = manager.steps.map((s) => s.id);
    expect(ids.indexOf('registry-mirror')).toBeGreaterThan(ids.indexOf('docker'));
    expect(ids.indexOf('registry-mirror')).toBeLessThan(ids.indexOf('config'));
    const config = triggersOf(stepResources(json).get('config')!.body).config;
    expect(config).toContain('MachineOptions = [\n      "amazonec2-region=eu-central-1",\n      "engine-registry-mirror=http://10.0.0.5:6000",\n    ]');
    // the bootstrap creates its machine with the same options the runner will use
    const bootstrap: string = stepResources(json).get('bootstrap-docker')!.body.provisioner[0]['remote-exec'].inline[0];
    expect(bootstrap).toContain("GLR_MACHINE_OPTIONS='amazonec2-region=eu-central-1\nengine-registry-mirror=http://10.0.0.5:6000'");
    const script: string = stepResources(json).get('registry-mirror')!.body.provisioner[0]['remote-exec'].inline[0];
    expect(script).toContain("GLR_MIRROR_BIND_ADDRESS='10.0.0.5'");
  });

  test('a mirror set both in MachineOptions and by registryMirror is an error, not an override', () => {
    const s = newStack();
    const p = managerProps(s.token);
    const r = p.runners[0];
    expect(() => new GitlabRunnerManager(s.stack, 'ci', {
      ...p,
      registryMirror: { address: '10.0.0.5' },
      runners: [{ ...r, config: { ...r.config, machine: { ...r.config.machine, machineOptions: ['engine-registry-mirror=http://10.0.0.9:6000'] } } }],
    })).toThrow('runners[0].config.machine.machineOptions[0]: got "engine-registry-mirror=http://10.0.0.9:6000" while registryMirror also sets "engine-registry-mirror=http://10.0.0.5:6000"');
  });

  test('GIVEN a cache server THEN runners without a cache use it, credentials go through secret files', () => {
    const { json, manager } = synthManager((s) => ({ cacheServer: { address: '10.0.0.5', accessKey: s.accessKey, secretKey: s.secretKey } }));
    const steps = stepResources(json);
    expect(manager.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['secret-cache-access-key', 'secret-cache-secret-key', 'cache-server']));
    const config = triggersOf(steps.get('config')!.body).config;
    expect(config).toContain('ServerAddress = "10.0.0.5:9005"');
    expect(config).toContain('Insecure = true');
    expect(config).toContain('SecretKey = "@@GLR_SECRET:runner-docker-cache-s3-secretkey@@"');
    const cacheScript: string = steps.get('cache-server')!.body.provisioner[0]['remote-exec'].inline[0];
    expect(cacheScript).not.toContain('var.cache');
    // rotating a credential re-runs the cache server step
    expect(Object.keys(triggersOf(steps.get('cache-server')!.body))).toEqual(expect.arrayContaining(['after_secret_cache_access_key', 'after_secret_cache_secret_key']));
  });

  test('a literal cache server secret is a synth error', () => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), cacheServer: { address: '10.0.0.5', accessKey: s.accessKey, secretKey: 'PLACEHOLDER' } }))
      .toThrow('cacheServer.secretKey: got a literal secret');
  });

  test('an address with a scheme is rejected', () => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), registryMirror: { address: 'http://10.0.0.5' } }))
      .toThrow('registryMirror.address: got "http://10.0.0.5", expected the private IP or host name');
  });
});
