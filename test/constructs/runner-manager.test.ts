import { TerraformVariable, Testing } from 'cdktf';
import { GitlabRunnerError, GitlabRunnerManager, RunnerInstallSource, RunnerToken, SshKey, StepEngine } from '../../lib';
import { managerProps, newStack, SHA_B, stepResources, synthManager, triggersOf } from './helpers';

const ORDER = ['prepare', 'docker', 'runner', 'service-dropin', 'docker-machine', 'bootstrap-docker', 'secret-runner-docker-token', 'config', 'service'];

describe('GitlabRunnerManager steps', () => {
  test('GIVEN a docker+machine runner WHEN synthesized THEN the steps run in the seed order', () => {
    const { json, manager } = synthManager();
    expect(manager.steps.map((s) => s.id)).toEqual(ORDER);
    const steps = stepResources(json);
    const addr = (id: string) => `${steps.get(id)!.type}.${steps.get(id)!.name}`;
    // THEN every step depends on the one the seed says comes first
    expect(steps.get('docker')!.body.depends_on).toEqual([addr('prepare')]);
    expect(steps.get('runner')!.body.depends_on).toEqual([addr('docker')]);
    expect(steps.get('bootstrap-docker')!.body.depends_on).toEqual(expect.arrayContaining([addr('docker-machine'), addr('service-dropin')]));
    expect(steps.get('config')!.body.depends_on).toEqual(expect.arrayContaining([addr('bootstrap-docker'), addr('secret-runner-docker-token'), addr('service-dropin')]));
    expect(steps.get('service')!.body.depends_on).toEqual([addr('config')]);
    // teardown depends on everything, so destroy runs it first
    expect(steps.get('teardown')!.body.depends_on).toHaveLength(ORDER.length);
  });

  test('both engines give the same steps, scripts, triggers and order', () => {
    const a = synthManager(undefined, StepEngine.nullResource());
    const b = synthManager(undefined, StepEngine.terraformData());
    // the local redacted copy is local_file with null_resource and local-exec with terraform_data
    const sa = stepResources(a.json);
    const sb = stepResources(b.json);
    sa.delete('redacted-config');
    sb.delete('redacted-config');
    expect([...sa.keys()]).toEqual([...sb.keys()]);
    for (const [id, r] of sa) {
      const other = sb.get(id)!;
      expect(r.type).toBe(id === 'teardown' ? 'terraform_data' : 'null_resource');
      expect(other.type).toBe('terraform_data');
      const norm = (x: any) => JSON.stringify(x).replace(/null_resource\./g, 'STEP.').replace(/terraform_data\./g, 'STEP.').replace(/self\.(triggers_replace|triggers|input)\./g, 'self.T.');
      expect(norm(triggersOf(other.body))).toEqual(norm(triggersOf(r.body)));
      expect(other.body.input).toEqual(r.body.input);
      expect(norm(other.body.provisioner)).toEqual(norm(r.body.provisioner));
      expect(norm(other.body.depends_on)).toEqual(norm(r.body.depends_on));
      expect(norm(other.body.connection)).toEqual(norm(r.body.connection));
    }
  });

  test('synth twice gives byte-identical JSON without absolute paths or timestamps (F12)', () => {
    const one = synthManager().text;
    const two = synthManager().text;
    expect(two).toEqual(one);
    expect(one).not.toContain(process.cwd());
    expect(one).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
  });

  test('a version bump changes only the runner step\'s triggers (F12a)', () => {
    const before = stepResources(synthManager().json);
    const after = stepResources(synthManager(() => ({ runnerVersion: '19.3.0' })).json);
    const changed = [...before.keys()].filter((id) => JSON.stringify(triggersOf(before.get(id)!.body)) !== JSON.stringify(triggersOf(after.get(id)!.body)));
    expect(changed).toEqual(['runner']);
  });

  test('a config value change changes only the config step, and the trigger shows the readable diff', () => {
    const before = stepResources(synthManager().json);
    const after = stepResources(synthManager(() => ({ global: { concurrent: 8 } })).json);
    const changed = [...before.keys()].filter((id) => JSON.stringify(triggersOf(before.get(id)!.body)) !== JSON.stringify(triggersOf(after.get(id)!.body)));
    expect(changed).toEqual(['config', 'redacted-config'].filter((id) => before.has(id)));
    expect(triggersOf(after.get('config')!.body).config).toContain('concurrent = 8\n');
  });

  test('a replaced bastion host re-runs every step (F12c)', () => {
    const before = stepResources(synthManager().json);
    const after = stepResources(synthManager(() => ({ bastion: { host: '198.51.100.99', privateKey: managerProps('x').bastion && (managerProps('x').bastion as any).privateKey } })).json);
    for (const id of ORDER) expect(triggersOf(after.get(id)!.body).host).not.toEqual(triggersOf(before.get(id)!.body).host);
  });

  test('changing MachineOptions re-runs the bootstrap and config, nothing else', () => {
    const before = stepResources(synthManager().json);
    const after = stepResources(synthManager((s) => {
      const p = managerProps(s.token);
      const r = p.runners[0];
      return { runners: [{ ...r, config: { ...r.config, machine: { ...r.config.machine, machineOptions: ['amazonec2-region=eu-west-1'] } } }] };
    }).json);
    const changed = [...before.keys()].filter((id) => JSON.stringify(triggersOf(before.get(id)!.body)) !== JSON.stringify(triggersOf(after.get(id)!.body)));
    expect(changed.filter((id) => id !== 'redacted-config')).toEqual(['bootstrap-docker', 'config']);
  });
});

describe('teardown (F04/F14)', () => {
  const teardownOf = (over: (p: ReturnType<typeof managerProps>) => any, engine = StepEngine.terraformData()) => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'ci', { ...over(managerProps(s.token)), engine });
    return stepResources(JSON.parse(Testing.synth(s.stack, true))).get('teardown')!.body;
  };
  const base = teardownOf((p) => p);

  test.each([
    ['a moved key file', (p: any) => ({ ...p, bastion: { ...p.bastion, privateKey: SshKey.fromFile('/keys/new_id') } })],
    ['a pinned host key', (p: any) => ({ ...p, bastion: { ...p.bastion, hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDERPLACEHOLDERPLACEHOLDERPLACEHOLD' } })],
    ['a new teardown concurrency', (p: any) => ({ ...p, teardownConcurrency: 8 })],
    ['a new config path', (p: any) => ({ ...p, configPath: '/etc/gitlab-runner/other.toml', runnerSource: RunnerInstallSource.binary({ url: 'https://mirror.example.com/gitlab-runner', sha256: SHA_B }) })],
  ])('%s never replaces the teardown resource (which would tear down a live host)', (_name, over) => {
    const after = teardownOf(over);
    expect(after.triggers_replace).toEqual(base.triggers_replace);
    expect(after.input).not.toEqual(base.input);
  });

  test('a different host replaces it: the old host is torn down', () => {
    const after = teardownOf((p) => ({ ...p, bastion: { ...p.bastion, host: '198.51.100.77' } }));
    expect(after.triggers_replace).toEqual({ host: '198.51.100.77', port: '22' });
  });

  test('with the null_resource engine teardown is still a terraform_data, so its values stay current', () => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), engine: StepEngine.nullResource() });
    const json = JSON.parse(Testing.synth(s.stack, true));
    const [name, body] = Object.entries<any>(json.resource.terraform_data).find(([n]) => n.startsWith('ci_teardown_'))!;
    expect(name).toMatch(/^ci_teardown_/);
    expect(Object.keys(body.input)).toEqual(['host_key', 'key_path', 'script', 'user']);
    expect(body.provisioner[0]['remote-exec']).toEqual({ inline: ['${self.input.script}'], on_failure: 'continue', when: 'destroy' });
  });
});

describe('secrets never appear in synthesized output (F11)', () => {
  test.each([
    ['DOCKER_AUTH_CONFIG={"auths":{"registry.example.com":{"auth":"PLACEHOLDERAUTH"}}}', 'DOCKER_AUTH_CONFIG=<redacted>'],
    ['REGISTRY_PASS=PLACEHOLDERPASS', 'REGISTRY_PASS=<redacted>'],
    ['MYSQL_PWD=PLACEHOLDERPWD', 'MYSQL_PWD=<redacted>'],
    ['PROXY=proxy-user:PLACEHOLDERPW@proxy.example.com:3128', 'PROXY=<redacted>@proxy.example.com:3128'],
  ])('a literal credential %s in environment is a synth error showing %s', (entry, shown) => {
    const s = newStack();
    const r = managerProps(s.token).runners[0];
    let message = '';
    try {
      new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { runners: [{ ...r, config: { ...r.config, environment: [entry] } }] }));
    } catch (e) {
      message = String(e);
    }
    expect(message).toContain(`runners[0].environment[0]: got ${JSON.stringify(shown)}, a literal credential`);
    expect(message).not.toMatch(/PLACEHOLDER(AUTH|PASS|PWD|PW)/);
  });

  test('names that only look like credentials pass: an empty Docker auth config, BYPASS, an e-mail address', () => {
    const { manager } = synthManager((s) => {
      const r = managerProps(s.token).runners[0];
      return { runners: [{ ...r, config: { ...r.config, environment: ['DOCKER_AUTH_CONFIG={"auths":{}}', 'BYPASS=1', 'GIT_AUTHOR_EMAIL=ci@example.com'] } }] };
    });
    expect(manager.redactedConfig).toContain('environment = ["DOCKER_AUTH_CONFIG={\\"auths\\":{}}", "BYPASS=1", "GIT_AUTHOR_EMAIL=ci@example.com"]');
  });

  test('literal credentials in environment, docker services, MachineOptions and URLs are synth errors that never show the value; references pass', () => {
    const s = newStack();
    const r = managerProps(s.token).runners[0];
    const config = {
      ...r.config,
      environment: ['AWS_SECRET_ACCESS_KEY=PLACEHOLDERLITERAL1', 'HTTPS_PROXY=http://proxy-user:PLACEHOLDERLITERAL2@proxy.example.com:3128', `GITLAB_TOKEN=${s.secretKey}`, 'LOG_LEVEL=debug'],
      docker: { image: 'alpine:3.20', services: [{ name: 'postgres:16', environment: ['POSTGRES_PASSWORD=PLACEHOLDERLITERAL3'] }] },
      machine: { ...r.config.machine!, machineOptions: ['amazonec2-region=eu-central-1', 'amazonec2-secret-key=PLACEHOLDERLITERAL4'] },
    };
    let message = '';
    try {
      new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { runners: [{ ...r, config }] }));
    } catch (e) {
      expect(e).toBeInstanceOf(GitlabRunnerError);
      message = String(e);
    }
    const rule = 'a literal credential: the constructs write config.toml into cdktf.out and the Terraform state, which must hold no secret. Fix:';
    expect(message).toContain(`runners[0].environment[0]: got "AWS_SECRET_ACCESS_KEY=<redacted>", ${rule} build it from a sensitive variable, e.g. \`AWS_SECRET_ACCESS_KEY=\${new TerraformVariable(this, "aws_secret_access_key", { type: "string", sensitive: true }).stringValue}\`, or define it as a masked CI/CD variable in GitLab.`);
    expect(message).toContain(`runners[0].environment[1]: got "HTTPS_PROXY=http://<redacted>@proxy.example.com:3128", ${rule} take the credentials out of the URL, or build the URL from a sensitive variable.`);
    expect(message).toContain(`runners[0].docker.services[0].environment[0]: got "POSTGRES_PASSWORD=<redacted>", ${rule}`);
    expect(message).toContain(`runners[0].machine.MachineOptions[1]: got "amazonec2-secret-key=<redacted>", ${rule} build it from a sensitive variable, e.g. \`amazonec2-secret-key=\${new TerraformVariable(this, "amazonec2_secret_key", { type: "string", sensitive: true }).stringValue}\`, or give the bastion a cloud identity`);
    expect(message).not.toContain('environment[2]'); // built from a reference
    expect(message).not.toContain('environment[3]');
    expect(message).not.toContain('PLACEHOLDERLITERAL');
  });

  test.each([
    ['an OpenSSH key', '-----BEGIN OPENSSH PRIVATE KEY-----\nPLACEHOLDERKEYBODY\n-----END OPENSSH PRIVATE KEY-----\n', 'got the key material itself'],
    ['a key body without its header', 'b3BlbnNzaC1rZXktdjEAAAAAPLACEHOLDERKEYBODY\nAAAAPLACEHOLDER\n', 'got a text of 59 characters with line breaks (not shown: it may be key material)'],
  ])('GIVEN %s passed to SshKey.fromFile THEN the error says so and never shows it', (_what, material, start) => {
    let message = '';
    try {
      SshKey.fromFile(material);
    } catch (e) {
      expect(e).toBeInstanceOf(GitlabRunnerError);
      message = String(e);
    }
    expect(message).toContain(`bastion.privateKey: ${start}, expected the path of a private key file. Fix: SshKey.fromFile("~/.ssh/id_ed25519") for a key file, or SshKey.fromSensitiveValue(variable.stringValue) for key material.`);
    expect(message).not.toContain('PLACEHOLDERKEYBODY');
  });

  test('tokens and cache keys are variables; triggers hold only sha256 expressions', () => {
    const { text, json } = synthManager((s) => {
      const p = managerProps(s.token);
      const r = p.runners[0];
      return { runners: [{ ...r, config: { ...r.config, cache: { type: 's3', s3: { serverAddress: 'minio.internal:9005', bucketName: 'runner', accessKey: s.accessKey, secretKey: s.secretKey } } } }] };
    });
    const steps = stepResources(json);
    expect([...steps.keys()]).toEqual(expect.arrayContaining(['secret-runner-docker-token', 'secret-runner-docker-cache-s3-accesskey', 'secret-runner-docker-cache-s3-secretkey']));
    // the secret reaches the host only through a file provisioner's content
    const tokenStep = steps.get('secret-runner-docker-token')!.body;
    expect(tokenStep.provisioner[0].file.content).toBe('${var.runner_token}');
    expect(triggersOf(tokenStep).secret).toBe('${sha256(var.runner_token)}');
    // the config step carries markers, not references to the secrets
    const config = triggersOf(steps.get('config')!.body).config;
    expect(config).toContain('token = "@@GLR_SECRET:runner-docker-token@@"');
    expect(config).toContain('SecretKey = "@@GLR_SECRET:runner-docker-cache-s3-secretkey@@"');
    // only file provisioners reference secret variables; scripts and triggers never do
    const mentions = text.match(/var\.(runner_token|cache_secret_key|cache_access_key)/g) ?? [];
    const allowed = [...steps.values()].flatMap((r) => r.body.provisioner?.filter((p: any) => p.file).map((p: any) => p.file.content) ?? []).concat([...steps.values()].map((r) => triggersOf(r.body).secret).filter(Boolean));
    expect(mentions.length).toBe(allowed.join(' ').match(/var\.(runner_token|cache_secret_key|cache_access_key)/g)!.length);
  });

  test('a literal token is a synth error', () => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', managerProps('glrt-PLACEHOLDER0000000000000000'))).toThrow(
      'runners[0].token: got a literal token, expected a sensitive Terraform variable or reference: a literal would be written into cdktf.out and state.',
    );
  });

  test('a literal cache secret key is a synth error naming the key path', () => {
    const s = newStack();
    const p = managerProps(s.token);
    const r = p.runners[0];
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...p, runners: [{ ...r, config: { ...r.config, cache: { type: 's3', s3: { serverAddress: 'minio:9005', bucketName: 'b', accessKey: s.accessKey, secretKey: 'PLACEHOLDER-SECRET' } } } }] }))
      .toThrow(/runners\[0\]\.cache\.s3\.SecretKey: got a literal secret/);
  });
});

describe('registration (F02/F03/F04)', () => {
  test('legacy registration registers once on the host and merges the token into the rendered file', () => {
    const { json, manager } = synthManager((s) => ({
      runners: [{ token: RunnerToken.registrationToken(s.registration, { tagList: ['docker', 'linux'], runUntagged: false }), config: { name: 'legacy', url: 'https://gitlab.example.com', executor: 'shell' } }],
      dockerMachine: undefined,
    }));
    expect(manager.steps.map((s) => s.id)).toEqual(['prepare', 'docker', 'runner', 'service-dropin', 'secret-runner-legacy-registration-token', 'register-legacy', 'config', 'service']);
    const register = stepResources(json).get('register-legacy')!.body;
    const script: string = register.provisioner[0]['remote-exec'].inline[0];
    expect(script).toContain("GLR_REGISTER_ARGS='--tag-list=docker,linux\n--run-untagged=false'");
    expect(script).not.toContain('var.registration_token');
    expect(triggersOf(stepResources(json).get('config')!.body).config).toContain('token = "@@GLR_SECRET:runner-legacy-token@@"');
  });

  test('registration-only settings with an authentication token are rejected (F03)', () => {
    expect(() => RunnerToken.authenticationToken('x', { tagList: ['docker'], locked: true })).toThrow(
      'token (tagList, locked): got --tag-list, --locked with an authentication token; with authentication tokens these settings belong to the runner object in GitLab',
    );
  });

  test('a glrt- literal is never passed as a registration token (F03)', () => {
    expect(() => RunnerToken.registrationToken('glrt-PLACEHOLDER000000000000')).toThrow('token: got a glrt- authentication token as a registration token');
  });

  test('the service is enabled only after the final config.toml (F04)', () => {
    const { manager } = synthManager();
    const ids = manager.steps.map((s) => s.id);
    expect(ids.indexOf('service')).toBeGreaterThan(ids.indexOf('config'));
    expect(ids.indexOf('service-dropin')).toBeLessThan(ids.indexOf('service'));
  });
});

describe('bad input fails at synth', () => {
  const cases: [string, (p: ReturnType<typeof managerProps>) => any, string][] = [
    ['runnerVersion latest', (p) => ({ ...p, runnerVersion: 'latest' }), 'runnerVersion: got "latest", expected a pinned version X.Y.Z'],
    ['missing dockerMachine', (p) => ({ ...p, dockerMachine: undefined }), 'dockerMachine: is required because a runner uses the docker+machine executor.'],
    ['docker machine sha256', (p) => ({ ...p, dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: 'ABC' } }), 'dockerMachine.sha256: got "ABC", expected a sha256 as 64 lowercase hex digits.'],
    ['docker machine no sha', (p) => ({ ...p, dockerMachine: { version: 'v0.16.2-gitlab.48' } }), 'dockerMachine.sha256: is required'],
    ['bad port', (p) => ({ ...p, bastion: { ...(p.bastion as any), port: 0 } }), 'bastion.port: got 0, expected a whole number from 1 to 65535.'],
    ['host with scheme', (p) => ({ ...p, bastion: { ...(p.bastion as any), host: 'ssh://h' } }), 'bastion.host: got "ssh://h", expected an IP address or DNS name'],
    ['machine name without owner prefix', (p) => ({ ...p, runners: [{ ...p.runners[0], config: { ...p.runners[0].config, machine: { ...p.runners[0].config.machine, machineName: 'auto-%s' } } }] }), 'runners[0].config.machine.machineName: got "auto-%s", expected a name starting with "glr-ci-"'],
    ['no runners', (p) => ({ ...p, runners: [] }), 'runners: got [], expected at least one runner.'],
    ['duplicate names', (p) => ({ ...p, runners: [p.runners[0], p.runners[0]] }), 'runners[1].config.name: got "docker" twice'],
  ];
  test.each(cases)('%s', (_name, edit, message) => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', edit(managerProps(s.token)))).toThrow(GitlabRunnerError);
    expect(() => new GitlabRunnerManager(newStack().stack, 'ci', edit(managerProps(newStack().token)))).toThrow(message);
  });

  test('a stop timeout shorter than the longest job is a synth warning (F13)', () => {
    const s = newStack();
    const m = new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), stopTimeoutSeconds: 600 });
    Testing.synth(s.stack);
    const warnings = m.node.metadata.filter((e) => e.type === '@cdktf/warn').map((e) => String(e.data));
    expect(warnings.join('\n')).toContain('stopTimeoutSeconds: 600 is shorter than the longest job (3600 s)');
  });
});

describe('several bastions per stack', () => {
  test('two managers get their own steps and one provider configuration', () => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'eu', managerProps(s.token));
    new GitlabRunnerManager(s.stack, 'us', { ...managerProps(s.token), bastion: { host: '198.51.100.20', privateKey: (managerProps(s.token).bastion as any).privateKey }, dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: SHA_B } });
    const json = JSON.parse(Testing.synth(s.stack, true));
    expect(Object.keys(json.provider.null)).toHaveLength(1);
    const paths = Object.keys(json.resource.null_resource);
    expect(paths.filter((p) => p.startsWith('eu_'))).toHaveLength(paths.filter((p) => p.startsWith('us_')).length);
    const machineNames = JSON.stringify(json).match(/MachineName = \\"([^"\\]+)\\"/g);
    expect(machineNames).toEqual(expect.arrayContaining(['MachineName = \\"glr-eu-%s\\"', 'MachineName = \\"glr-us-%s\\"']));
  });
});

describe('text reaches the host byte for byte', () => {
  test('shell ${...} and TOML values with ${ are escaped for Terraform, references are not', () => {
    const { json } = synthManager((s) => {
      const p = managerProps(s.token);
      return { runners: [{ ...p.runners[0], config: { ...p.runners[0].config, environment: ['GREETING=${HOME}', 'TEMPLATE=%{x}'] } }] };
    });
    const steps = stepResources(json);
    const config = triggersOf(steps.get('config')!.body).config;
    expect(config).toContain('environment = ["GREETING=$${HOME}", "TEMPLATE=%%{x}"]');
    // the upload reads the (escaped) trigger, so the stack holds the template once
    const upload = steps.get('config')!.body.provisioner.find((p: any) => p.file).file.content;
    expect(upload).toBe('${self.triggers.config}');
    // the stack's one copy of the host scripts is escaped; the steps only reference it
    const bundle: string = Object.values<string>(json.locals)[0];
    expect(bundle).toContain('$${BASH_SOURCE[0]}');
    expect(bundle).not.toMatch(/[^$]\$\{GLR_/);
    const prepare: string = steps.get('prepare')!.body.provisioner[0]['remote-exec'].inline[0];
    expect(prepare).toContain('\n${local.cdktf-gitlab-runner-host-scripts}\n');
    // the secret upload is a plain reference
    expect(steps.get('secret-runner-docker-token')!.body.provisioner[0].file.content).toBe('${var.runner_token}');
  });
});

describe('unknown props are never ignored', () => {
  test.each([
    [(p: any) => ({ ...p, runnerVerison: '19.3.0' }), 'runnerVerison: is not a property of the construct props; allowed: bastion, runnerVersion,', 'Fix: did you mean runnerVersion?'],
    [(p: any) => ({ ...p, bastion: { ...p.bastion, prot: 2222 } }), 'bastion.prot: is not a property of bastion; allowed: host, port,', 'Fix: did you mean port?'],
    [(p: any) => ({ ...p, runners: [{ ...p.runners[0], tokne: 'x' }] }), 'runners[0].tokne: is not a property of runners[0]; allowed: token, config.', 'Fix: did you mean token?'],
  ])('%#', (edit, start, fix) => {
    const run = () => {
      const s = newStack();
      return new GitlabRunnerManager(s.stack, 'ci', edit(managerProps(s.token)));
    };
    expect(run).toThrow(start);
    expect(run).toThrow(fix);
  });
});

describe('deploy-time references (F11/F12)', () => {
  test('registration settings that are not an object are a synth error', () => {
    const s = newStack();
    expect(() => RunnerToken.registrationToken(s.registration, null as never)).toThrow('token.options: got null, expected registration settings such as { tagList: ["docker"], runUntagged: false }, or nothing.');
  });

  test('a cycle in rawToml is a diagnostic, not a stack overflow', () => {
    const raw: any = { kubernetes: {} };
    raw.kubernetes.self = raw;
    const s = newStack();
    const r = managerProps(s.token).runners[0];
    expect(() => new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { runners: [{ ...r, config: { ...r.config, rawToml: raw } }] }))).toThrow(
      'runners[0].rawToml.kubernetes.self: got an object that contains itself (a cycle), which TOML cannot represent.',
    );
  });

  test('a literal registration token is a synth error', () => {
    expect(() => RunnerToken.registrationToken('GR1348941PLACEHOLDER')).toThrow('token: got a literal registration token, expected a sensitive Terraform variable or reference');
  });

  test('config values with references: the readable trigger shows a placeholder, a sha256 of the values detects changes', () => {
    const { json, manager } = synthManager((s) => {
      const p = managerProps(s.token);
      const region = new TerraformVariable(s.stack, 'aws_region', { type: 'string' }).stringValue;
      return { runners: [{ ...p.runners[0], config: { ...p.runners[0].config, environment: [`AWS_SECRET_ACCESS_KEY=${s.secretKey}`, `AWS_REGION=${region}`] } }] };
    });
    const config = stepResources(json).get('config')!.body;
    expect(triggersOf(config).config).toContain('environment = ["AWS_SECRET_ACCESS_KEY=[deploy-time value]", "AWS_REGION=[deploy-time value]"]');
    // Terraform hashes the values (as written into config.toml): a changed value re-runs the step
    expect(triggersOf(config).config_references).toMatch(/^\$\{sha256\(".*jsonencode\(var\.cache_secret_key\).*jsonencode\(var\.aws_region\).*"\)\}$/);
    // the upload carries the real references, escaped for TOML by Terraform; the preview never does
    const upload = config.provisioner.find((p: any) => p.file).file.content;
    expect(upload).toMatch(/"AWS_SECRET_ACCESS_KEY=\$\{replace\(replace\(trimsuffix\(trimprefix\(jsonencode\(var\.cache_secret_key\)[^}]*\}", "AWS_REGION=\$\{replace\(.*jsonencode\(var\.aws_region\)/);
    // the redacted copy: a credential entry's value is redacted whatever it is, another reference is a placeholder
    expect(manager.redactedConfig).toContain('environment = ["AWS_SECRET_ACCESS_KEY=[REDACTED]", "AWS_REGION=[deploy-time value]"]');
    expect(JSON.stringify(json.resource.local_file)).not.toContain('var.cache_secret_key');
    expect(JSON.stringify(json.resource.local_file)).not.toContain('var.aws_region');
  });

  test('step triggers never hash cdktf token numbering, and change with the referenced value', () => {
    const build = (extraTokensFirst: number) => synthManager((s) => {
      for (let i = 0; i < extraTokensFirst; i++) new TerraformVariable(s.stack, `unrelated_${i}`, { type: 'string' });
      const region = new TerraformVariable(s.stack, 'region', { type: 'string' }).stringValue;
      const p = managerProps(s.token);
      return { runners: [{ ...p.runners[0], config: { ...p.runners[0].config, machine: { ...p.runners[0].config.machine, machineOptions: [`amazonec2-region=${region}`] } } }] };
    });
    const a = triggersOf(stepResources(build(0).json).get('bootstrap-docker')!.body);
    const b = triggersOf(stepResources(build(3).json).get('bootstrap-docker')!.body);
    expect(b).toEqual(a);
    expect(a.script_references).toBe('${sha256(var.region)}');
    const script: string = stepResources(build(0).json).get('bootstrap-docker')!.body.provisioner[0]['remote-exec'].inline[0];
    expect(script).toMatch(/GLR_BOOTSTRAP_HASH='\$\{sha256\("[0-9a-f]{64} \$\{var\.region\}"\)\}'/);
  });

  test('the marker text in a config value is a synth error (it would pull a secret into the value)', () => {
    const s = newStack();
    const p = managerProps(s.token);
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...p, runners: [{ ...p.runners[0], config: { ...p.runners[0].config, environment: ['LEAK=@@GLR_SECRET:runner-docker-token@@'] } }] }))
      .toThrow('runners: a config value contains the text "@@GLR_SECRET:"');
  });

  test('each bootstrap step has its own machine name (and stored hash)', () => {
    const { manager } = synthManager((s) => {
      const p = managerProps(s.token);
      return { runners: [p.runners[0], { ...p.runners[0], config: { ...p.runners[0].config, name: 'second' } }] };
    });
    const names = manager.steps.filter((st) => st.id.startsWith('bootstrap-')).map((st) => /GLR_BOOTSTRAP_MACHINE='([^']+)'/.exec(st.script)![1]);
    expect(names).toEqual(['glr-ci-bootstrap-docker', 'glr-ci-bootstrap-second']);
  });
});

describe('more bad input, each with the property path', () => {
  test.each([
    ['bastion without host', (p: any) => ({ ...p, bastion: { privateKey: p.bastion.privateKey } }), 'bastion.host: got undefined'],
    ['bootstrap as a string', (p: any) => ({ ...p, bootstrap: 'full' }), 'bootstrap: got "full", expected MachineBootstrap.fullMachine() or MachineBootstrap.certificatesOnly().'],
    ['docker as a string', (p: any) => ({ ...p, docker: 'apt' }), 'docker: got "apt", expected DockerSource.distroPackages()'],
    ['engine as an object', (p: any) => ({ ...p, engine: {} }), 'engine: got {}, expected StepEngine.nullResource() or StepEngine.terraformData().'],
    ['a hand-made bootstrap with an unknown mode', (p: any) => ({ ...p, bootstrap: { mode: 'yolo' } }), 'bootstrap: got an object with mode "yolo", expected MachineBootstrap.fullMachine() or MachineBootstrap.certificatesOnly(). Fix: use one of those factories.'],
    ['a hand-made docker source', (p: any) => ({ ...p, docker: { mode: 'snap' } }), 'docker: got an object with mode "snap", expected DockerSource.distroPackages(), DockerSource.dockerRepository() or DockerSource.preinstalled().'],
    ['a hand-made runner source', (p: any) => ({ ...p, runnerSource: { mode: 'curl' } }), 'runnerSource: got an object with mode "curl", expected RunnerInstallSource.packageRepository(), RunnerInstallSource.binary({ url, sha256 }) or RunnerInstallSource.preinstalled().'],
    ['a hand-made engine without its methods', (p: any) => ({ ...p, engine: { resourceType: 'terraform_data' } }), 'engine: got an object with resourceType "terraform_data", expected StepEngine.nullResource() or StepEngine.terraformData().'],
    ['an engine of another resource type', (p: any) => ({ ...p, engine: { ...StepEngine.terraformData(), resourceType: 'aws_instance', selfTrigger: () => '', selfValue: () => '' } }), 'engine: got an object with resourceType "aws_instance"'],
    ['configPath with the package repository', (p: any) => ({ ...p, configPath: '/opt/x/config.toml' }), 'configPath: got "/opt/x/config.toml", but the package repository\'s service always uses "/etc/gitlab-runner/config.toml"'],
    ['relative configPath', (p: any) => ({ ...p, configPath: 'config.toml', runnerSource: RunnerInstallSource.preinstalled() }), 'configPath: got "config.toml", expected an absolute path'],
    ['service name with spaces', (p: any) => ({ ...p, serviceName: 'gitlab runner;x' }), 'serviceName: got "gitlab runner;x", expected a systemd unit name'],
    ['relative machine storage', (p: any) => ({ ...p, machineStoragePath: 'machines' }), 'machineStoragePath: got "machines", expected an absolute path'],
    ['names differing in case', (p: any) => ({ ...p, runners: [p.runners[0], { ...p.runners[0], config: { ...p.runners[0].config, name: 'Docker' } }] }), 'runners[1].config.name: got "Docker" twice'],
    ['unknown cache server prop', (p: any) => ({ ...p, cacheServer: { address: '10.0.0.5', bukcet: 'x' } }), 'cacheServer.bukcet: is not a property of cacheServer'],
    ['redacted file outside the stack dir', (p: any) => ({ ...p, redactedConfigFile: '/tmp/x.toml' }), 'redactedConfigFile: got "/tmp/x.toml", expected a relative file name'],
    ['a runner config that is not an object', (p: any) => ({ ...p, runners: [{ ...p.runners[0], config: 'x' }] }), 'runners[0].config: got "x", expected the runner\'s config.toml settings'],
    ['a jump host that is not an object', (p: any) => ({ ...p, bastion: { ...p.bastion, jumpHost: 'x' } }), 'bastion.jumpHost: got "x", expected { host, port?, user?, privateKey?, hostKey? }.'],
    ['a jump host without host', (p: any) => ({ ...p, bastion: { ...p.bastion, jumpHost: {} } }), 'bastion.jumpHost: got {}, expected { host, port?, user?, privateKey?, hostKey? }.'],
    ['drivers that are not an array', (p: any) => ({ ...p, dockerMachine: { ...p.dockerMachine, drivers: 'x' } }), 'dockerMachine.drivers: got "x", expected an array of { name, url, sha256 }.'],
    ['a null driver', (p: any) => ({ ...p, dockerMachine: { ...p.dockerMachine, drivers: [null] } }), 'dockerMachine.drivers[0]: got null, expected { name, url, sha256 }.'],
    ['redacted file escaping the stack dir with ..', (p: any) => ({ ...p, redactedConfigFile: 'out/../../../etc/x.toml' }), 'redactedConfigFile: got "out/../../../etc/x.toml", expected a relative file name inside the stack\'s folder'],
    ['a port in bastion.host', (p: any) => ({ ...p, bastion: { ...p.bastion, host: '198.51.100.10:2222' } }), 'bastion.host: got "198.51.100.10:2222", expected an IP address or DNS name without a port. Fix: host: "198.51.100.10" and port: 2222.'],
    ['a service user that is no user name', (p: any) => ({ ...p, runnerSource: RunnerInstallSource.binary({ url: 'https://mirror.example.com/gitlab-runner-linux-amd64', sha256: SHA_B }), serviceUser: "x'; rm -rf /" }), 'serviceUser: got "x\'; rm -rf /", expected a Linux user name'],
    ['runners inside global', (p: any) => ({ ...p, global: { concurrent: 2, runners: [{ name: 'lost', token: 'glrt-PLACEHOLDERPLACEHOLDER' }] } }), 'global.runners: is set, but [[runners]] come only from the manager\'s runners prop'],
  ])('%s', (_name, edit, message) => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', edit(managerProps(s.token)))).toThrow(message);
  });

  test.each([
    ['stopTimeoutSeconds', (v: TerraformVariable) => ({ stopTimeoutSeconds: v.numberValue }), 'stopTimeoutSeconds: got a deploy-time reference, expected a literal value known at synth: stopTimeoutSeconds is written into the step scripts and decides which steps re-run. Fix: stopTimeoutSeconds: 7200.'],
    ['teardownConcurrency', (v: TerraformVariable) => ({ teardownConcurrency: v.numberValue }), 'teardownConcurrency: got a deploy-time reference, expected a literal value known at synth'],
    ['machineNamePrefix', (v: TerraformVariable) => ({ machineNamePrefix: v.stringValue }), 'machineNamePrefix: got a deploy-time reference, expected a literal value known at synth: machineNamePrefix is written into the step scripts and decides which steps re-run. Fix: machineNamePrefix: "glr-ci".'],
    ['machineStoragePath', (v: TerraformVariable) => ({ machineStoragePath: v.stringValue }), 'machineStoragePath: got a deploy-time reference, expected a literal value known at synth'],
    ['serviceName', (v: TerraformVariable) => ({ serviceName: v.stringValue, runnerSource: RunnerInstallSource.preinstalled() }), 'serviceName: got a deploy-time reference, expected a literal value known at synth'],
  ])('a deploy-time reference in %s says so (not a token text or an encoded number)', (_prop, over, message) => {
    const s = newStack();
    const v = new TerraformVariable(s.stack, 'x', { type: 'any' });
    expect(() => new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, over(v) as never))).toThrow(message);
  });

  test('a deploy-time reference as a runner name says so', () => {
    const s = newStack();
    const name = new TerraformVariable(s.stack, 'name', { type: 'string' }).stringValue;
    const r = managerProps(s.token).runners[0];
    expect(() => new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { runners: [{ ...r, config: { ...r.config, name } }] }))).toThrow(
      'runners[0].config.name: got a deploy-time reference, expected a literal name known at synth',
    );
  });

  test('two managers on the same host are an error', () => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'blue', managerProps(s.token));
    expect(() => new GitlabRunnerManager(s.stack, 'green', managerProps(s.token))).toThrow('bastion.host: got "198.51.100.10":22, which manager "test/blue" already provisions');
  });

  test('names that map to the same secret are an error, not a raw construct clash', () => {
    const s = newStack();
    const base = managerProps(s.token).runners[0];
    const runners = [
      { token: RunnerToken.registrationToken(s.registration), config: { ...base.config, name: 'x', executor: 'shell' as const, docker: undefined, machine: undefined } },
      { token: RunnerToken.authenticationToken(s.token), config: { ...base.config, name: 'x-registration', executor: 'shell' as const, docker: undefined, machine: undefined } },
    ];
    let error: unknown;
    try {
      new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { runners }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitlabRunnerError);
    expect(String(error)).toContain('runners: two steps get the id "secret-runner-x-registration-token": "upload runners[1].token to /var/lib/cdktf-gitlab-runner/secrets/runner-x-registration-token (0600)" and "upload registration token of runner x to');
    expect(String(error)).toContain('Fix: rename one of the runners (config.name), or drop one of the two keys.');
  });

  test('runner names that give one bootstrap machine name are an error (they would share a machine and its hash)', () => {
    const s = newStack();
    const base = managerProps(s.token).runners[0];
    const runners = [base, { ...base, config: { ...base.config, name: 'a.b' } }, { ...base, config: { ...base.config, name: 'a_b' } }];
    expect(() => new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { runners }))).toThrow(
      'runners[2].config.name: got "a_b", whose bootstrap machine name "glr-ci-bootstrap-a-b" is the one of runners[1] ("a.b")',
    );
  });

  test('a machine name prefix inside another after a dash is an error (runner-<token>-prod-ci-... could read as token + ci)', () => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { machineNamePrefix: 'ci' }));
    const other = { ...managerProps(s.token), bastion: { host: '198.51.100.11', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') }, machineNamePrefix: 'prod-ci' };
    expect(() => new GitlabRunnerManager(s.stack, 'prod', other)).toThrow('machineNamePrefix: got "prod-ci", which overlaps the prefix "ci" of manager "test/ci"');
  });

  test('overlapping machine name prefixes are an error (teardown of one would hit the other)', () => {
    const s = newStack();
    new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token));
    const other = { ...managerProps(s.token), bastion: { host: '198.51.100.11', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') } };
    expect(() => new GitlabRunnerManager(s.stack, 'ci-2', other)).toThrow('machineNamePrefix: got "glr-ci-2", which overlaps the prefix "glr-ci" of manager "test/ci"');
  });
});

test('a placeholder sha256 (one repeated digit) is a synth warning', () => {
  const s = newStack();
  const m = new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: '0'.repeat(64) } });
  const warnings = m.node.metadata.filter((e) => e.type === '@cdktf/warn').map((e) => String(e.data));
  expect(warnings).toContain('dockerMachine.sha256: got 00000000... (one repeated digit), which looks like a placeholder; the deploy will stop at the checksum check. Fix: download the binary once from a trusted source and pin the output of sha256sum.');
});

describe('pinned host keys', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKmYkPcdX0example0key0body0for0tests0only0';

  test.each([
    ['an ssh-keyscan line (host first)', `203.0.113.10 ${KEY}`],
    ['a known_hosts line with a bracketed port', `[203.0.113.10]:2222 ${KEY}`],
    ['a key file line with a trailing newline', `${KEY}\n`],
  ])('GIVEN %s THEN Terraform gets the bare key', (_what, given) => {
    const { json } = synthManager((s) => ({ bastion: { ...managerProps(s.token).bastion, hostKey: given } }));
    const prepare = stepResources(json).get('prepare')!.body;
    expect(prepare.connection.host_key).toBe(KEY);
  });

  test('a key with its comment is kept as it is', () => {
    const { json } = synthManager((s) => ({ bastion: { ...managerProps(s.token).bastion, hostKey: `${KEY} root@bastion` } }));
    expect(stepResources(json).get('prepare')!.body.connection.host_key).toBe(`${KEY} root@bastion`);
  });

  test('a placeholder host key is a synth warning', () => {
    const s = newStack();
    const m = new GitlabRunnerManager(s.stack, 'ci', managerProps(s.token, { bastion: { ...managerProps(s.token).bastion, hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDERPLACEHOLDER' } }));
    const warnings = m.node.findAll().flatMap((c) => c.node.metadata).filter((e) => e.type === '@cdktf/warn').map((e) => String(e.data));
    expect(warnings).toContain('bastion.hostKey: got "ssh-ed25519 AAAAC3NzaC1lZDI1NT...", which looks like a placeholder; Terraform will refuse to connect (host key mismatch). Fix: pin the host\'s real key: ssh-keyscan -t ed25519 HOST, or /etc/ssh/ssh_host_ed25519_key.pub on the host.');
  });
});
