import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GitlabRunnerManager, SshKey, StepEngine, SupportServices } from '../../lib';
import { managerProps, newStack, remoteScript, stepResources, synthManager, triggersOf } from './helpers';

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
    })).toThrow('runners[0].config.machine.machineOptions[0]: got "engine-registry-mirror=http://10.0.0.9:6000" while registryMirror also sets "engine-registry-mirror=http://10.0.0.5:6000"; one of them would be lost. Fix: remove this option (registryMirror adds it) or remove registryMirror.');
  });

  test('the same clash with the mirror of a SupportServices names the SupportServices, not a registryMirror prop the manager does not have', () => {
    const s = newStack();
    const services = new SupportServices(s.stack, 'services', { host: { host: '10.0.0.6', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') }, registryMirror: { address: '10.0.0.6' } });
    const p = managerProps(s.token);
    const r = p.runners[0];
    expect(() => new GitlabRunnerManager(s.stack, 'ci', {
      ...p,
      supportServices: services,
      runners: [{ ...r, config: { ...r.config, machine: { ...r.config.machine, machineOptions: ['engine-registry-mirror=http://10.0.0.9:6000'] } } }],
    })).toThrow('runners[0].config.machine.machineOptions[0]: got "engine-registry-mirror=http://10.0.0.9:6000" while the registry mirror of supportServices "test/services" also sets "engine-registry-mirror=http://10.0.0.6:6000"; one of them would be lost. Fix: remove this option (the registry mirror of supportServices "test/services" adds it), or drop the mirror from that SupportServices.');
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

describe('SupportServices: mirror and cache on a host of their own, shared by managers', () => {
  const servicesHost = { host: '10.0.0.6', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') };

  function twoManagers(engine?: StepEngine) {
    const s = newStack();
    const services = new SupportServices(s.stack, 'services', {
      host: servicesHost,
      engine,
      registryMirror: { address: '10.0.0.6' },
      cacheServer: { address: '10.0.0.6', accessKey: s.accessKey, secretKey: s.secretKey },
    });
    const a = new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), engine, supportServices: services });
    const b = new GitlabRunnerManager(s.stack, 'ci2', { ...managerProps(s.token, { bastion: { host: '198.51.100.11', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') } }), engine, supportServices: services });
    const text = Testing.synth(s.stack, true);
    return { s, services, a, b, text, json: JSON.parse(text) };
  }

  /** Resources of one construct (by its id in the logical name), by step id. */
  function resourcesOf(json: any, scope: string): Map<string, any> {
    const out = new Map<string, any>();
    for (const type of ['null_resource', 'terraform_data']) {
      for (const [name, body] of Object.entries<any>(json.resource?.[type] ?? {})) {
        const m = new RegExp(`^${scope}_(.+)_[0-9A-F]{8}$`).exec(name);
        if (m) out.set(m[1], { type, name, body });
      }
    }
    return out;
  }

  test('GIVEN one SupportServices and two managers WHEN synthesized THEN the services run on their host, once, and both managers wait for them and use them', () => {
    const { services, a, b, json } = twoManagers();
    expect(services.steps.map((x) => x.id)).toEqual(['prepare', 'docker', 'registry-mirror', 'secret-cache-access-key', 'secret-cache-secret-key', 'cache-server']);
    const mine = resourcesOf(json, 'services');
    for (const id of services.steps.map((x) => x.id)) expect(mine.get(id).body.connection.host).toBe('10.0.0.6');
    for (const manager of [a, b]) {
      const ids = manager.steps.map((x) => x.id);
      expect(ids).not.toContain('registry-mirror');
      expect(ids).not.toContain('cache-server');
      const config = triggersOf(resourcesOf(json, manager.node.id).get('config').body).config;
      expect(config).toContain('"engine-registry-mirror=http://10.0.0.6:6000"');
      expect(config).toContain('ServerAddress = "10.0.0.6:9005"');
      const dependsOn: string[] = resourcesOf(json, manager.node.id).get('config').body.depends_on;
      expect(dependsOn).toEqual(expect.arrayContaining([`null_resource.${mine.get('registry-mirror').name}`, `null_resource.${mine.get('cache-server').name}`]));
    }
    // the bastions' connections are untouched
    expect(resourcesOf(json, 'ci').get('config').body.connection.host).toBe('198.51.100.10');
    expect(resourcesOf(json, 'ci2').get('config').body.connection.host).toBe('198.51.100.11');
  });

  test('teardown removes the containers at destroy; both engines give the same steps, scripts and triggers', () => {
    const nul = twoManagers();
    const data = twoManagers(StepEngine.terraformData());
    const teardown = resourcesOf(nul.json, 'services').get('teardown');
    expect(teardown.type).toBe('terraform_data');
    expect(teardown.body.provisioner[0]['remote-exec'].when).toBe('destroy');
    expect(teardown.body.input.script).toContain('teardown-services.sh');
    // what it removes comes from the host's records, not from the props: no container list
    expect(teardown.body.input.script).not.toContain('GLR_SERVICE_CONTAINERS');
    expect(remoteScript(resourcesOf(nul.json, 'services').get('prepare').body)).toContain("GLR_SERVICE_CONTAINERS='registry minio'");
    // the same apart from the resource type in references to other steps
    const strip = (m: Map<string, any>) => JSON.parse(JSON.stringify([...m.entries()].map(([id, r]) => ({ id, triggers: triggersOf(r.body), script: r.body.provisioner?.map((p: any) => p['remote-exec']?.inline ?? p.file?.content) }))).replace(/\$\{(null_resource|terraform_data)\./g, '${STEP.'));
    const [n, d] = [resourcesOf(nul.json, 'services'), resourcesOf(data.json, 'services')];
    n.delete('teardown');
    d.delete('teardown');
    expect(strip(d)).toEqual(strip(n));
    expect([...n.values()].every((r) => r.type === 'null_resource')).toBe(true);
    expect([...d.values()].every((r) => r.type === 'terraform_data')).toBe(true);
  });

  test('no secret literal: cache keys reach the services host as uploads of variable references only', () => {
    const { json } = twoManagers();
    const secret = resourcesOf(json, 'services').get('secret-cache-secret-key');
    expect(secret.body.provisioner[0].file.content).toBe('${var.cache_secret_key}');
    // every use of the variable: an upload's content, or inside a Terraform-side sha256
    const uses: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (typeof v === 'string' && v.includes('var.cache_secret_key')) uses.push(`${at}=${v}`);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    walk(json.resource, 'resource');
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/(\.file\.content=\$\{var\.cache_secret_key\}$)|(=\$\{sha256\()/);
  });

  test('dropping a service from a manager re-runs only prepare (which removes its container); the teardown stays as it was', () => {
    const withMirror = stepResources(synthManager(() => ({ registryMirror: { address: '10.0.0.5' } })).json);
    const without = stepResources(synthManager().json);
    expect(remoteScript(withMirror.get('prepare')!.body)).toContain("GLR_SERVICE_CONTAINERS='registry'");
    expect(remoteScript(without.get('prepare')!.body)).toContain("GLR_SERVICE_CONTAINERS=''");
    expect(triggersOf(without.get('prepare')!.body)).not.toEqual(triggersOf(withMirror.get('prepare')!.body));
    // a changed teardown input would replace the teardown resource and fire its destroy-time script
    expect(without.get('teardown')!.body.input).toEqual(withMirror.get('teardown')!.body.input);
    for (const id of ['docker', 'runner', 'service-dropin', 'service']) {
      expect([id, triggersOf(without.get(id)!.body)]).toEqual([id, triggersOf(withMirror.get(id)!.body)]);
    }
  });

  test('dropping the cache server from a SupportServices re-runs only prepare; the teardown stays as it was', () => {
    const both = twoManagers();
    const s = newStack();
    new SupportServices(s.stack, 'services', { host: servicesHost, registryMirror: { address: '10.0.0.6' } });
    const mirrorOnly = resourcesOf(JSON.parse(Testing.synth(s.stack)), 'services');
    const before = resourcesOf(both.json, 'services');
    expect(remoteScript(mirrorOnly.get('prepare').body)).toContain("GLR_SERVICE_CONTAINERS='registry'");
    expect(triggersOf(mirrorOnly.get('prepare').body)).not.toEqual(triggersOf(before.get('prepare').body));
    expect(triggersOf(mirrorOnly.get('registry-mirror').body)).toEqual(triggersOf(before.get('registry-mirror').body));
    expect(mirrorOnly.get('teardown').body.input).toEqual(before.get('teardown').body.input);
  });

  test('bad input is a synth error naming the property and the fix', () => {
    const s = newStack();
    expect(() => new SupportServices(s.stack, 'none', { host: servicesHost })).toThrow('registryMirror: and cacheServer are both unset, so this host would run nothing. Fix:');
    expect(() => new SupportServices(s.stack, 'lit', { host: servicesHost, cacheServer: { address: '10.0.0.6', accessKey: s.accessKey, secretKey: 'PLACEHOLDER' } })).toThrow('cacheServer.secretKey: got a literal secret');
    expect(() => new SupportServices(s.stack, 'typo', { host: servicesHost, registryMirror: { address: '10.0.0.6', prot: 6000 } as any })).toThrow('registryMirror.prot: is not a property of registryMirror');
    expect(() => new SupportServices(s.stack, 'nohost', {} as any)).toThrow('host: is required');
    expect(() => new SupportServices(s.stack, 'badhost', { host: { host: 'http://10.0.0.6', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') }, registryMirror: { address: '10.0.0.6' } }))
      .toThrow('host.host: got "http://10.0.0.6", expected an IP address or DNS name');
    expect(() => new SupportServices(s.stack, 'badport', { host: { host: '10.0.0.6', port: 0, privateKey: SshKey.fromFile('~/.ssh/id_ed25519') }, registryMirror: { address: '10.0.0.6' } }))
      .toThrow('host.port: got 0, expected a whole number from 1 to 65535');
    expect(() => new SupportServices(s.stack, 'nokey', { host: { host: '10.0.0.6' } as any, registryMirror: { address: '10.0.0.6' } }))
      .toThrow('host.privateKey: is required');
    const services = new SupportServices(s.stack, 'services', { host: servicesHost, registryMirror: { address: '10.0.0.6' } });
    expect(() => new SupportServices(s.stack, 'again', { host: servicesHost, registryMirror: { address: '10.0.0.6' } }))
      .toThrow('host: got "10.0.0.6":22, which "test/services" already provisions; two owners of one host overwrite each other\'s state and steps. Fix: configure registryMirror and cacheServer in one SupportServices.');
    expect(() => new GitlabRunnerManager(s.stack, 'both', { ...managerProps(s.token), supportServices: services, registryMirror: { address: '10.0.0.5' } }))
      .toThrow('registryMirror: is set while supportServices "test/services" also runs a registry mirror; the runners can use only one.');
    expect(() => new GitlabRunnerManager(s.stack, 'notone', { ...managerProps(s.token), supportServices: { registryMirror: { address: '10.0.0.6' } } as any }))
      .toThrow('supportServices: expected a SupportServices construct');
  });

  test('SupportServices on a manager\'s own bastion is an error, whichever is declared first', () => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token));
    expect(() => new SupportServices(s.stack, 'services', { host: { host: '198.51.100.10', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') }, registryMirror: { address: '10.0.0.5' } }))
      .toThrow("host: got \"198.51.100.10\":22, which \"test/ci\" already provisions; two owners of one host overwrite each other's state and steps. Fix: on a manager's own bastion, use the manager's registryMirror / cacheServer props instead of SupportServices.");
    const t = newStack();
    new SupportServices(t.stack, 'services', { host: { host: '198.51.100.10', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') }, registryMirror: { address: '10.0.0.5' } });
    expect(() => new GitlabRunnerManager(t.stack, 'ci', managerProps(t.token))).toThrow('bastion.host: got "198.51.100.10":22, which "test/services" already provisions');
  });

  test('a SupportServices from another stack is a synth error (depends_on cannot cross stacks), not invalid Terraform', () => {
    const app = Testing.app();
    const services = new TerraformStack(app, 'services');
    const runners = new TerraformStack(app, 'runners');
    const secret = (stack: TerraformStack, name: string) => new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
    const shared = new SupportServices(services, 'svc', { host: servicesHost, cacheServer: { address: '10.0.0.6', accessKey: secret(services, 'a'), secretKey: secret(services, 'b') } });
    expect(() => new GitlabRunnerManager(runners, 'ci', { ...managerProps(secret(runners, 'token')), supportServices: shared }))
      .toThrow('supportServices: got "services/svc" from stack "services", expected a SupportServices in this manager\'s stack "runners": the manager\'s config step waits for the services (depends_on), which Terraform cannot do across stacks. Fix: create the SupportServices in stack "runners", next to the managers that use it.');
  });

  test('one owner per host across the whole app, whatever the stack, the case of the name or a trailing dot', () => {
    const app = Testing.app();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new TerraformStack(app, id));
    const token = (stack: TerraformStack) => new TerraformVariable(stack, 'token', { type: 'string', sensitive: true }).stringValue;
    const key = SshKey.fromFile('~/.ssh/id_ed25519');
    new GitlabRunnerManager(a, 'ci', managerProps(token(a), { bastion: { host: 'runner.example.com', privateKey: key } }));
    // a manager on the same host in another stack
    expect(() => new GitlabRunnerManager(b, 'ci', managerProps(token(b), { bastion: { host: 'RUNNER.example.com.', privateKey: key }, machineNamePrefix: 'glr-other' })))
      .toThrow('bastion.host: got "RUNNER.example.com.":22, which manager "a/ci" already provisions (as "runner.example.com"); two managers on one host overwrite each other\'s config.toml, secrets and service.');
    // a SupportServices on that host in another stack
    expect(() => new SupportServices(c, 'svc', { host: { host: 'Runner.Example.Com', privateKey: key }, registryMirror: { address: '10.0.0.5' } }))
      .toThrow('host: got "Runner.Example.Com":22, which "a/ci" already provisions (as "runner.example.com"); two owners of one host');
    // another port on the same host is another endpoint (e.g. a forwarded port to another machine)
    expect(() => new SupportServices(c, 'svc2', { host: { host: 'runner.example.com', port: 2222, privateKey: key }, registryMirror: { address: '10.0.0.5' } })).not.toThrow();
  });

  test('an IPv6 bastion written with and without brackets is one host', () => {
    const s = newStack();
    const key = SshKey.fromFile('~/.ssh/id_ed25519');
    new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { bastion: { host: '2001:db8::10', privateKey: key } }));
    expect(() => new SupportServices(s.stack, 'svc', { host: { host: '[2001:DB8::10]', privateKey: key }, registryMirror: { address: '10.0.0.5' } }))
      .toThrow('host: got "[2001:DB8::10]":22, which "test/ci" already provisions (as "2001:db8::10")');
  });
});
