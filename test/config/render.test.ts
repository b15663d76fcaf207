/**
 * Canonical rendering: exact bytes for small configs, every key type, ordering, escaping,
 * numbers (F07, F09), tokens.
 */
import { parse } from 'smol-toml';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing, Token, Tokenization } from 'cdktf';
import { File as LocalFile } from '@cdktf/provider-local/lib/file';
import { RunnerConfig } from '../../lib/config/runner-config';
import type { RunnerConfigProps } from '../../lib/config/props.generated';
import { emitToml, formatFloat, formatInteger } from '../../lib/private/config/toml-emit';
import type { TomlTable } from '../../lib/private/config/schema-types';
import { typed, typedParse } from './helpers';

const TOKEN = 'glrt-PLACEHOLDER0000000000000';

function minimalRunner(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'r', url: 'https://gitlab.example.com', token: TOKEN, executor: 'shell', ...extra };
}

/** Renders one data tree with the emitter only (no validation): for value-level tests. */
/** The Terraform expression a deploy-time value `ref` (e.g. `var.x`) is written as inside a TOML string. */
const tomlEscaped = (ref: string) => `\${replace(replace(trimsuffix(trimprefix(jsonencode(${ref}), "\\""), "\\""), "@", "\\\\u0040"), "\\u007f", "\\\\u007F")}`;

/** `text` as Terraform receives it: the rendered config in an output of a stack, synthesized. */
function synthesized(render: (stack: TerraformStack) => string): string {
  const stack = new TerraformStack(Testing.app(), 'stack');
  new TerraformOutput(stack, 'config', { value: render(stack) });
  return JSON.parse(Testing.synth(stack)).output.config.value;
}

function emitRunner(runner: Record<string, unknown>): string {
  return emitToml({ runners: [runner] } as TomlTable);
}

describe('exact bytes', () => {
  test('GIVEN a small docker+machine config WHEN rendered THEN the bytes are exactly canonical', () => {
    const config = new RunnerConfig({
      concurrent: 10,
      checkIntervalSeconds: 0,
      logLevel: 'info',
      sessionServer: { sessionTimeoutSeconds: 1800 },
      runners: [
        {
          // props given out of struct order: the output is in struct order
          executor: 'docker+machine',
          token: TOKEN,
          url: 'https://gitlab.example.com',
          name: 'autoscale',
          limit: 10,
          docker: { privileged: true, image: 'alpine:3.20', volumes: ['/cache'] },
          cache: { type: 's3', shared: true, s3: { serverAddress: 's3.amazonaws.com', bucketName: 'runner-cache', insecure: false } },
          machine: {
            idleCount: 0,
            idleTimeSeconds: 1800,
            maxBuilds: 10,
            machineDriver: 'amazonec2',
            machineName: 'gitlab-docker-machine-%s',
            machineOptions: ['amazonec2-region=eu-central-1'],
            autoscaling: [{ periods: ['* * 9-17 * * mon-fri *'], idleCount: 5, idleTimeSeconds: 3600 }],
          },
        },
      ],
    });
    expect(config.render()).toBe(
      [
        'concurrent = 10',
        'check_interval = 0',
        'log_level = "info"',
        '',
        '[session_server]',
        '  session_timeout = 1800',
        '',
        '[[runners]]',
        '  name = "autoscale"',
        '  limit = 10',
        '  url = "https://gitlab.example.com"',
        `  token = "${TOKEN}"`,
        '  executor = "docker+machine"',
        '  [runners.cache]',
        '    Type = "s3"',
        '    Shared = true',
        '    [runners.cache.s3]',
        '      ServerAddress = "s3.amazonaws.com"',
        '      BucketName = "runner-cache"',
        '      Insecure = false',
        '  [runners.docker]',
        '    image = "alpine:3.20"',
        '    privileged = true',
        '    volumes = ["/cache"]',
        '  [runners.machine]',
        '    IdleCount = 0',
        '    IdleTime = 1800',
        '    MaxBuilds = 10',
        '    MachineDriver = "amazonec2"',
        '    MachineName = "gitlab-docker-machine-%s"',
        '    MachineOptions = ["amazonec2-region=eu-central-1"]',
        '    [[runners.machine.autoscaling]]',
        '      Periods = ["* * 9-17 * * mon-fri *"]',
        '      Timezone = "UTC"',
        '      IdleCount = 5',
        '      IdleTime = 3600',
        '',
      ].join('\n'),
    );
  });

  test('GIVEN the same props twice, built in different key orders WHEN rendered THEN the output is byte-identical', () => {
    const a = new RunnerConfig({ concurrent: 2, logLevel: 'warn', runners: [minimalRunner({ limit: 1 }) as never] });
    const b = new RunnerConfig({ runners: [{ limit: 1, executor: 'shell', token: TOKEN, url: 'https://gitlab.example.com', name: 'r' }], logLevel: 'warn', concurrent: 2 });
    expect(a.render()).toBe(b.render());
    expect(a.render()).toBe(a.render());
  });

  test('GIVEN an empty config WHEN rendered THEN the output is empty (nothing invented)', () => {
    expect(emitToml({})).toBe('');
  });
});

describe('every key type', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['string', { name: 'build' }, '  name = "build"'],
    ['integer', { limit: 42 }, '  limit = 42'],
    ['integer from bigint', { limit: 9007199254740993n }, '  limit = 9007199254740993'],
    ['bool', { debug_trace_disabled: false }, '  debug_trace_disabled = false'],
    ['duration', { prepare_timeout: '1h30m' }, '  prepare_timeout = "1h30m"'],
    ['datetime (unquoted offset datetime)', { token_obtained_at: '2026-01-02T03:04:05Z' }, '  token_obtained_at = 2026-01-02T03:04:05Z'],
    ['datetime with offset and fraction', { token_expires_at: '2026-01-02T03:04:05.5+01:00' }, '  token_expires_at = 2026-01-02T03:04:05.5+01:00'],
    ['string[]', { environment: ['A=1', 'B=2'] }, '  environment = ["A=1", "B=2"]'],
    ['empty string[] (kept)', { environment: [] }, '  environment = []'],
  ])('GIVEN a %s key WHEN rendered THEN it is written exactly', (_type, keys, line) => {
    expect(emitRunner(keys).split('\n')).toContain(line);
  });

  test('float: always with a decimal point or exponent, valid TOML', () => {
    const out = emitRunner({ machine: { IdleScaleFactor: 1, autoscaling: [{ IdleScaleFactor: 1e-11 }, { IdleScaleFactor: 0.5 }, { IdleScaleFactor: 0 }] } });
    expect(out).toContain('    IdleScaleFactor = 1.0\n');
    expect(out).toContain('      IdleScaleFactor = 1e-11\n');
    expect(out).toContain('      IdleScaleFactor = 0.5\n');
    expect(out).toContain('      IdleScaleFactor = 0.0\n');
    const back = parse(out) as { runners: [{ machine: { IdleScaleFactor: number; autoscaling: { IdleScaleFactor: number }[] } }] };
    expect(back.runners[0].machine.IdleScaleFactor).toBe(1);
    expect(back.runners[0].machine.autoscaling.map((a) => a.IdleScaleFactor)).toEqual([1e-11, 0.5, 0]);
  });

  test('float[]: every element is a float', () => {
    const out = emitRunner({ autoscaler: { instance_creation_time_buckets: [1, 2.5, 30] } });
    expect(out).toContain('    instance_creation_time_buckets = [1.0, 2.5, 30.0]\n');
  });

  test('string|string[]: both forms', () => {
    expect(emitRunner({ docker: { pull_policy: 'always' } })).toContain('    pull_policy = "always"\n');
    expect(emitRunner({ docker: { pull_policy: ['always', 'if-not-present'] } })).toContain('    pull_policy = ["always", "if-not-present"]\n');
  });

  test('map<string>: a sub-table, keys sorted, non-bare keys quoted', () => {
    const out = emitRunner({ docker: { sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1024' } } });
    expect(out).toContain('    [runners.docker.sysctls]\n      "kernel.shmmax" = "1024"\n      "net.ipv4.ip_forward" = "1"\n');
  });

  test('map<bool>: feature flags as a sub-table', () => {
    const out = emitRunner({ feature_flags: { FF_USE_FASTZIP: true, FF_NETWORK_PER_BUILD: false } });
    expect(out).toContain('  [runners.feature_flags]\n    FF_NETWORK_PER_BUILD = false\n    FF_USE_FASTZIP = true\n');
  });

  test('map<string[]>: arrays as values', () => {
    const out = emitRunner({ docker: { services_devices: { 'postgres:*': ['/dev/fuse'] } } });
    expect(out).toContain('    [runners.docker.services_devices]\n      "postgres:*" = ["/dev/fuse"]\n');
  });

  test('free (plugin_config): nested tables and raw numbers', () => {
    const out = emitRunner({ autoscaler: { plugin: 'aws', plugin_config: { name: 'asg', profile: 'default', retries: 3, ratio: 0.5 } } });
    expect(out).toContain('    [runners.autoscaler.plugin_config]\n      name = "asg"\n      profile = "default"\n      ratio = 0.5\n      retries = 3\n');
  });

  test('table: a [section] even when empty (zero values kept)', () => {
    expect(emitRunner({ custom_build_dir: {} })).toContain('  [runners.custom_build_dir]\n');
    expect(emitRunner({ custom_build_dir: { enabled: false } })).toContain('  [runners.custom_build_dir]\n    enabled = false\n');
  });

  test('table[]: always arrays of tables, never inline (F08)', () => {
    const out = emitRunner({
      docker: { services: [{ name: 'postgres:16', alias: 'db' }, { name: 'redis:7' }] },
      autoscaler: { policy: [{ idle_count: 0, periods: ['* 8-18 * * mon-fri'], timezone: 'Europe/Berlin' }] },
    });
    expect(out).toContain('    [[runners.docker.services]]\n      name = "postgres:16"\n      alias = "db"\n    [[runners.docker.services]]\n      name = "redis:7"\n');
    expect(out).toContain('    [[runners.autoscaler.policy]]\n      periods = ["* 8-18 * * mon-fri"]\n      timezone = "Europe/Berlin"\n      idle_count = 0\n');
    expect(out).not.toMatch(/= \{/);
  });

  test('long arrays: one element per line, so changing one element changes one line (F02)', () => {
    const options = ['amazonec2-region=eu-central-1', 'amazonec2-vpc-id=vpc-0123456789abcdef0', 'amazonec2-subnet-id=subnet-0123456789abcdef0'];
    const out = emitRunner({ machine: { MachineOptions: options } });
    expect(out).toContain(
      '    MachineOptions = [\n      "amazonec2-region=eu-central-1",\n      "amazonec2-vpc-id=vpc-0123456789abcdef0",\n      "amazonec2-subnet-id=subnet-0123456789abcdef0",\n    ]\n',
    );
    const changed = emitRunner({ machine: { MachineOptions: [options[0], 'amazonec2-vpc-id=vpc-1', options[2]] } });
    const before = out.split('\n');
    const after = changed.split('\n');
    expect(after.length).toBe(before.length);
    expect(after.filter((l, i) => l !== before[i])).toEqual(['      "amazonec2-vpc-id=vpc-1",']);
    expect((parse(out) as { runners: [{ machine: { MachineOptions: string[] } }] }).runners[0].machine.MachineOptions).toEqual(options);
  });

  test('datetimes are written without .000, like the runner writes them', () => {
    const config = RunnerConfig.fromToml('[[runners]]\n  token_obtained_at = 2026-01-02T03:04:05.000Z\n  token_expires_at = 0001-01-01T00:00:00Z\n');
    const out = emitToml(config.toData());
    expect(out).toBe('[[runners]]\n  token_obtained_at = 2026-01-02T03:04:05Z\n  token_expires_at = 0001-01-01T00:00:00Z\n');
  });

  test('tls-* keys keep their dashes', () => {
    expect(emitRunner({ 'tls-ca-file': '/etc/ca.pem' })).toContain('  tls-ca-file = "/etc/ca.pem"\n');
  });
});

describe('numbers (F07, F09)', () => {
  test('GIVEN IdleCount = 0, IdleTime = 0, MaxBuilds = 10 WHEN rendered THEN the zeros are written', () => {
    const out = emitRunner({ machine: { IdleCount: 0, IdleTime: 0, MaxBuilds: 10 } });
    expect(out).toContain('    IdleCount = 0\n    IdleTime = 0\n    MaxBuilds = 10\n');
  });

  test('GIVEN typed props with zero and false values WHEN mapped THEN none is dropped', () => {
    const config = new RunnerConfig({ concurrent: 0, checkIntervalSeconds: 0, runners: [{ limit: 0, debugTraceDisabled: false, preBuildScript: '', machine: { idleCount: 0 } }] });
    expect(config.toData()).toEqual({ concurrent: 0, check_interval: 0, runners: [{ limit: 0, debug_trace_disabled: false, pre_build_script: '', machine: { IdleCount: 0 } }] });
  });

  test('GIVEN output_limit = 52428800 WHEN rendered THEN plain digits, no underscores', () => {
    expect(emitRunner({ output_limit: 52428800 })).toContain('  output_limit = 52428800\n');
  });

  test.each<[number | bigint, string]>([
    [0, '0'],
    [-5, '-5'],
    [52428800, '52428800'],
    [2 ** 53, '9007199254740992'],
    [1e21, '1000000000000000000000'],
    [9223372036854775807n, '9223372036854775807'],
  ])('formatInteger(%p) = %s', (n, text) => {
    expect(formatInteger(n)).toBe(text);
  });

  test.each<[number | bigint, string]>([
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.5, '0.5'],
    [1e-11, '1e-11'],
    [1e21, '1e+21'],
    [-2.5e-7, '-2.5e-7'],
    [123456789.125, '123456789.125'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [3n, '3.0'],
  ])('formatFloat(%p) = %s, and it parses back as the same float', (n, text) => {
    expect(formatFloat(n)).toBe(text);
    const back = parse(`x = ${text}`).x as number;
    expect(typeof back).toBe('number');
    expect(Object.is(back, Number(n))).toBe(true);
  });

  test('raw numbers: bigint and whole JS numbers are integers, fractions are floats', () => {
    const out = emitRunner({ kubernetes: { poll_timeout: 180, cpu_request_ratio: 0.25, big: 12345678901234567890n } });
    expect(out).toContain('    big = 12345678901234567890\n    cpu_request_ratio = 0.25\n    poll_timeout = 180\n');
  });
});

describe('strings', () => {
  test('GIVEN every control character WHEN rendered THEN each is escaped and the value parses back exactly', () => {
    let all = '';
    for (let c = 0; c < 0x20; c++) all += String.fromCharCode(c);
    all += '\u007f"\\ end';
    const out = emitRunner({ name: all });
    const line = out.split('\n').find((l) => l.startsWith('  name = '))!;
    expect(line).toBe(
      '  name = "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F\\u007F\\"\\\\ end"',
    );
    expect((parse(out) as { runners: [{ name: string }] }).runners[0].name).toBe(all);
  });

  test('GIVEN non-ASCII text WHEN rendered THEN it is kept as is (not escaped)', () => {
    expect(emitRunner({ name: 'Bäckerei-ランナー-🚀' })).toContain('  name = "Bäckerei-ランナー-🚀"\n');
  });

  test('GIVEN a multi-line script WHEN rendered THEN one line with \\n escapes', () => {
    expect(emitRunner({ pre_build_script: 'set -e\necho "hi"\n' })).toContain('  pre_build_script = "set -e\\necho \\"hi\\"\\n"\n');
  });

  test('GIVEN an unpaired surrogate WHEN rendered THEN an error names the path (it cannot be UTF-8)', () => {
    expect(() => emitRunner({ name: 'a\ud800b' })).toThrow(/^runners\[0\]\.name: got "a\\ud800b", a string with an unpaired UTF-16 surrogate/);
  });
});

describe('order', () => {
  test('GIVEN raw keys and typed keys WHEN rendered THEN struct order first, then raw keys sorted, scalars before tables', () => {
    const config = new RunnerConfig({
      concurrent: 1,
      rawToml: { zeta: 'z', alpha: 'a', experimental: { usage_logger: { enabled: true } } },
      runners: [
        {
          ...minimalRunner(),
          docker: { image: 'alpine' },
          rawToml: { kubernetes: { namespace: 'ci' }, beta: true },
        } as never,
      ],
    });
    const out = emitToml(config.toData());
    expect(out).toBe(
      [
        'concurrent = 1',
        'alpha = "a"',
        'zeta = "z"',
        '',
        '[[runners]]',
        '  name = "r"',
        '  url = "https://gitlab.example.com"',
        `  token = "${TOKEN}"`,
        '  executor = "shell"',
        '  beta = true',
        '  [runners.docker]',
        '    image = "alpine"',
        '  [runners.kubernetes]',
        '    namespace = "ci"',
        '',
        '[experimental]',
        '  [experimental.usage_logger]',
        '    enabled = true',
        '',
      ].join('\n'),
    );
  });

  test('GIVEN three runners WHEN rendered THEN they stay in the given order', () => {
    const out = emitToml({ runners: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] });
    expect([...out.matchAll(/name = "(\w)"/g)].map((m) => m[1])).toEqual(['c', 'a', 'b']);
  });
});

describe('unresolved tokens', () => {
  test('GIVEN a string variable WHEN rendered and synthesized THEN it is written once, quoted, as Terraform\'s TOML escaping of its value', () => {
    const out = synthesized((stack) => new RunnerConfig({ runners: [{ ...minimalRunner(), token: new TerraformVariable(stack, 't', { type: 'string' }).stringValue } as never] }).render());
    expect(out).toContain(`  token = "${tomlEscaped('var.t')}"\n`);
    expect(out.split('var.t').length).toBe(2);
  });

  test('GIVEN a variable inside a larger string WHEN rendered and synthesized THEN the literal parts are escaped by the library and the value by Terraform', () => {
    const out = synthesized((stack) => emitRunner({ machine: { MachineOptions: [`amazonec2-region=${new TerraformVariable(stack, 'region', { type: 'string' }).stringValue}`, 'a"b'] } }));
    expect(out).toContain(`    MachineOptions = ["amazonec2-region=${tomlEscaped('var.region')}", "a\\"b"]\n`);
  });

  test('GIVEN the same reference WHEN rendered twice THEN the text is the same (F12)', () => {
    const region = Token.asString({ resolve: () => 'eu-central-1' });
    expect(emitRunner({ environment: [`R=${region}`] })).toBe(emitRunner({ environment: [`R=${region}`] }));
  });

  test('GIVEN a number token WHEN rendered THEN its token text is written unquoted', () => {
    const limit = Token.asNumber({ resolve: () => 4 });
    const out = emitRunner({ limit, machine: { IdleScaleFactor: limit } });
    const text = Token.asString(Tokenization.reverseNumber(limit));
    expect(text).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(out).toContain(`  limit = ${text}\n`);
    expect(out).toContain(`    IdleScaleFactor = ${text}\n`);
    // the same text on every render (F12: stable output)
    expect(emitRunner({ limit, machine: { IdleScaleFactor: limit } })).toBe(out);
  });

  test('GIVEN a literal number in the range cdktf uses for number tokens WHEN rendered THEN it is a literal: validated, and written as a number when valid', () => {
    // found by the property test: -8.1e298 decodes as a number token cdktf never issued
    const literal = -8.109562212591379e298;
    expect(Token.isUnresolved(literal)).toBe(true); // cdktf's own check says "token"
    const bad = new RunnerConfig({ concurrent: 2, runners: [{ ...minimalRunner(), limit: literal } as never] });
    expect(bad.diagnostics().map((d) => `${d.path}: ${d.message}`)).toContain('runners[0].limit: got -8.109562212591379e+298, expected an integer >= 0. Fix: write 0 or more.');
    expect(emitRunner({ machine: { IdleScaleFactor: literal } })).toContain('    IdleScaleFactor = -8.109562212591379e+298\n');
  });

  test('GIVEN references in an array WHEN rendered THEN where it wraps does not depend on how many tokens the app created before (F12)', () => {
    const early = Token.asString({ resolve: () => 'a' });
    for (let i = 0; i < 20000; i++) Token.asString({ resolve: () => i }); // unrelated tokens: the counter gains digits
    const late = Token.asString({ resolve: () => 'b' });
    expect(late.length).toBeGreaterThan(early.length);
    const layout = (ref: string, pad: number) => emitRunner({ environment: [`A=${ref}`, `B=${'x'.repeat(pad)}${ref}`] }).replace(/\$\{TfToken\[[^\]]+\]\}/g, 'REF');
    for (let pad = 0; pad < 100; pad++) expect([pad, layout(late, pad)]).toEqual([pad, layout(early, pad)]);
  });

  test('GIVEN a list token (a list variable) WHEN rendered THEN jsonencode of the list, unquoted, the same text every time', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const options = new TerraformVariable(stack, 'machine_options', { type: 'list(string)' }).listValue;
    const out = emitRunner({ machine: { MachineOptions: options } });
    const line = out.split('\n').find((l) => l.includes('MachineOptions'))!;
    expect(line).toMatch(/^    MachineOptions = \$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(emitRunner({ machine: { MachineOptions: options } })).toBe(out);
    new LocalFile(stack, 'config', { filename: 'config.toml', content: out });
    const synth = JSON.parse(Testing.synth(stack));
    expect(synth.resource.local_file.config.content).toBe('[[runners]]\n  [runners.machine]\n    MachineOptions = ${jsonencode(var.machine_options)}\n');
  });

  test('GIVEN string and number variables WHEN rendered into a resource and synthesized THEN Terraform references appear in place', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const token = new TerraformVariable(stack, 'runner_token', { type: 'string', sensitive: true }).stringValue;
    const limit = new TerraformVariable(stack, 'limit', { type: 'number' }).numberValue;
    const out = new RunnerConfig({ runners: [{ ...minimalRunner(), token, limit } as never] }).render();
    new LocalFile(stack, 'config', { filename: 'config.toml', content: out });
    const content: string = JSON.parse(Testing.synth(stack)).resource.local_file.config.content;
    expect(content).toContain('  limit = ${var.limit}\n');
    expect(content).toContain(`  token = "${tomlEscaped('var.runner_token')}"\n`);
  });

  test('GIVEN a variable for a datetime key WHEN rendered THEN it is quoted (the runner accepts both forms)', () => {
    const out = synthesized((stack) => emitRunner({ token_obtained_at: new TerraformVariable(stack, 'at', { type: 'string' }).stringValue }));
    expect(out).toContain(`  token_obtained_at = "${tomlEscaped('var.at')}"\n`);
  });
});

describe('values TOML cannot hold', () => {
  test('GIVEN null in props WHEN checked THEN an error names the prop path', () => {
    const config = new RunnerConfig({ runners: [{ ...minimalRunner(), docker: { image: null } } as never] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].docker.image',
      message: 'got null, which TOML cannot represent. Fix: leave the property out (undefined) to not write the key.',
    });
    expect(() => config.render()).toThrow(/runners\[0\]\.docker\.image: got null/);
  });

  test('GIVEN a hole in an array WHEN checked THEN an error names the element', () => {
    const config = new RunnerConfig({ runners: [{ ...minimalRunner(), environment: ['A=1', undefined as never] } as never] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].environment[1]',
      message: 'got nothing (undefined) inside an array. Fix: remove the element; TOML arrays cannot have holes.',
    });
  });

  test('GIVEN a class instance in rawToml WHEN checked THEN an error names it', () => {
    const config = new RunnerConfig({ rawToml: { custom: new Map() as never } });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'rawToml.custom',
      message: 'got an object of class Map, which TOML cannot represent. Fix: pass plain data (string, number, boolean, array, plain object).',
    });
  });

  test('GIVEN undefined props WHEN mapped THEN they are "not set" (nothing written)', () => {
    const config = new RunnerConfig({ concurrent: undefined, runners: [{ ...minimalRunner(), limit: undefined } as never] });
    expect(config.toData()).toEqual({ runners: [{ name: 'r', url: 'https://gitlab.example.com', token: TOKEN, executor: 'shell' }] });
  });
});

describe('pinned defaults (F06)', () => {
  test('GIVEN autoscaling periods and policies without a time zone WHEN mapped THEN UTC is written; a given zone is kept', () => {
    const props: RunnerConfigProps = {
      runners: [
        {
          machine: { autoscaling: [{ periods: ['* * 9-17 * * mon-fri *'] }, { periods: ['* * * * * sat,sun *'], timezone: 'Europe/Berlin' }] },
          autoscaler: { policy: [{ periods: ['* 8-18 * * mon-fri'] }] },
        },
      ],
    };
    const data = new RunnerConfig(props).toData();
    expect(typed(data)).toEqual(
      typed({
        runners: [
          {
            machine: { autoscaling: [{ Periods: ['* * 9-17 * * mon-fri *'], Timezone: 'UTC' }, { Periods: ['* * * * * sat,sun *'], Timezone: 'Europe/Berlin' }] },
            autoscaler: { policy: [{ periods: ['* 8-18 * * mon-fri'], timezone: 'UTC' }] },
          },
        ],
      }),
    );
    // the user's props are not changed
    expect(props.runners![0].machine!.autoscaling![0]).toEqual({ periods: ['* * 9-17 * * mon-fri *'] });
  });

  test('GIVEN no autoscaling WHEN mapped THEN no time zone is invented', () => {
    expect(new RunnerConfig({ runners: [{ machine: { idleCount: 1 } }] }).toData()).toEqual({ runners: [{ machine: { IdleCount: 1 } }] });
  });
});

describe('rendering checks', () => {
  test('GIVEN a config with an error WHEN rendered THEN GitlabRunnerError lists it and nothing is returned', () => {
    const config = new RunnerConfig({ runners: [{ ...minimalRunner(), machine: { idleTimeSeconds: 1800.5 } } as never] });
    expect(() => config.render()).toThrow(/runners\[0\]\.machine\.IdleTime: got 1800\.5/);
  });

  test('GIVEN the rendered text WHEN parsed THEN it is the same typed data as toData()', () => {
    const config = new RunnerConfig({
      concurrent: 3,
      runners: [{ ...minimalRunner(), outputLimitKilobytes: 4096, machine: { idleScaleFactor: 2 }, featureFlags: { FF_X: true } } as never],
    });
    const data = config.toData() as { runners: [{ machine: { IdleScaleFactor: number } }] };
    expect(typedParse(emitToml(data))).toEqual(
      typed({ concurrent: 3n, runners: [{ name: 'r', url: 'https://gitlab.example.com', token: TOKEN, executor: 'shell', output_limit: 4096n, machine: { IdleScaleFactor: 2 }, feature_flags: { FF_X: true } }] }),
    );
  });
});

describe('F02: the whole file, rendered', () => {
  const props = (image: string): RunnerConfigProps => ({
    concurrent: 4,
    logLevel: 'info',
    runners: [
      { ...(minimalRunner() as object), executor: 'docker', docker: { image, volumes: ['/cache'] } },
      { ...(minimalRunner({ name: 'second' }) as object), executor: 'docker', docker: { image: 'busybox:1.36' } },
    ],
  });

  test('GIVEN the same props twice WHEN rendered THEN byte-identical output', () => {
    expect(new RunnerConfig(props('alpine:3.20')).render()).toBe(new RunnerConfig(props('alpine:3.20')).render());
  });

  test('GIVEN one docker image changed WHEN rendered THEN exactly one line changes and the global keys stay', () => {
    const before = new RunnerConfig(props('alpine:3.20')).render().split('\n');
    const after = new RunnerConfig(props('alpine:3.21')).render().split('\n');
    expect(after.length).toBe(before.length);
    const changed = after.map((line, i) => [before[i], line]).filter(([a, b]) => a !== b);
    expect(changed).toEqual([['    image = "alpine:3.20"', '    image = "alpine:3.21"']]);
    expect(after.slice(0, 2)).toEqual(['concurrent = 4', 'log_level = "info"']);
  });
});

describe('objects from another realm (vm contexts, jest sandboxes)', () => {
  test('GIVEN props built in another realm WHEN rendered THEN they are plain data like any other', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const vm = require('vm') as typeof import('vm');
    const props = vm.runInNewContext(
      `({ concurrent: 1, runners: [{ name: 'r', url: 'https://gitlab.example.com', token: '${TOKEN}', executor: 'shell', tokenObtainedAt: '2026-01-02T03:04:05Z', rawToml: { when: new Date('2026-01-02T03:04:05Z') } }] })`,
    );
    expect(Object.getPrototypeOf(props)).not.toBe(Object.prototype);
    const config = new RunnerConfig(props);
    expect(config.diagnostics().filter((d) => d.path === '(props)' || d.message.includes('cannot represent'))).toEqual([]);
    expect(emitToml(config.toData())).toContain('  when = 2026-01-02T03:04:05Z\n');
  });
});
