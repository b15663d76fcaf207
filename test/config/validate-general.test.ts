import { Token } from 'cdktf';
import * as fc from 'fast-check';
import type { TomlTable, TomlValue } from '../../lib/private/config/schema-types';
import { validateConfig } from '../../lib/private/config/validate';
import { configToml, lint, lintData, lintToml, TOKEN } from './validate-fixture';

describe('validateConfig: general behaviour', () => {
  test('GIVEN the base docker+machine config WHEN validated THEN there are no diagnostics', () => {
    expect(lint()).toEqual([]);
  });

  test('GIVEN a full docker-autoscaler config WHEN validated THEN there are no diagnostics', () => {
    const text = `
concurrent = 10
check_interval = 3
log_level = "info"
log_format = "json"
shutdown_timeout = 60
listen_address = ":9252"
[session_server]
listen_address = "0.0.0.0:8093"
advertise_address = "runner.example.com:8093"
session_timeout = 1800
[[runners]]
name = "fleet"
url = "https://gitlab.example.com"
token = "${TOKEN}"
executor = "docker-autoscaler"
limit = 10
output_limit = 8192
environment = ["FOO=bar"]
[runners.feature_flags]
FF_USE_FASTZIP = true
[runners.docker]
image = "alpine:3.20"
pull_policy = ["if-not-present", "always"]
memory = "2g"
cpus = "1.5"
[runners.cache]
Type = "s3"
Shared = true
MaxUploadedArchiveSize = 0
[runners.cache.s3]
ServerAddress = "minio.example.com:9000"
AccessKey = "PLACEHOLDER-ACCESS"
SecretKey = "PLACEHOLDER-SECRET"
BucketName = "runner"
Insecure = true
[runners.autoscaler]
plugin = "aws:latest"
capacity_per_instance = 1
max_instances = 10
instance_acquire_timeout = "15m"
[runners.autoscaler.plugin_config]
name = "asg"
AnyKeyGoes = 1
[runners.autoscaler.connector_config]
username = "ec2-user"
protocol = "ssh"
protocol_port = 22
[[runners.autoscaler.policy]]
periods = ["* 8-18 * * mon-fri"]
timezone = "Europe/Berlin"
idle_count = 5
idle_time = "20m30s"
scale_factor = 0.5
`;
    expect(lintToml(text)).toEqual([]);
  });

  test('GIVEN a config.toml as gitlab-runner register writes it WHEN validated THEN only real problems are reported (empty cache tables, zero values)', () => {
    const text = `concurrent = 4
check_interval = 0
connection_max_age = "15m0s"
shutdown_timeout = 0

[session_server]
  session_timeout = 1800

[[runners]]
  name = "ci-autoscaler"
  limit = 5
  url = "https://gitlab.example.com"
  id = 5
  token = "glrt-PLACEHOLDER"
  token_obtained_at = 2025-06-17T13:05:47Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker-autoscaler"
  environment = ["DOCKER_AUTH_CONFIG={\\"auths\\":{}}"]
  [runners.cache]
    MaxUploadedArchiveSize = 0
    [runners.cache.s3]
    [runners.cache.gcs]
    [runners.cache.azure]
  [runners.docker]
    tls_verify = false
    image = "alpine:latest"
    privileged = false
    disable_entrypoint_overwrite = false
    oom_kill_disable = false
    disable_cache = false
    volumes = ["/cache"]
    shm_size = 0
    network_mtu = 0
  [runners.autoscaler]
    capacity_per_instance = 1
    max_use_count = 1
    max_instances = 5
    plugin = "aws"
    [runners.autoscaler.plugin_config]
      name = "asg"
    [runners.autoscaler.connector_config]
      username = "ec2-user"
      use_external_addr = true
    [[runners.autoscaler.policy]]
      idle_count = 1
      idle_time = "30m0s"
      periods = ["* 7-17 * * mon-fri"]
      timezone = "Europe/Warsaw"
`;
    expect(lintToml(text)).toEqual([
      "warning: concurrent: is 4, lower than the sum of the runners' limit values (5); concurrent caps the jobs of all runners together, so the limits can never all be used. Fix: raise concurrent to 5, or lower the limits.",
      'warning: check_interval: is 0, which the runner replaces with its default of 3 seconds. Fix: write 3 (or the value you mean), or remove check_interval.',
      'warning: shutdown_timeout: is 0, which the runner replaces with its default of 30 seconds. Fix: write 30 (or the value you mean), or remove shutdown_timeout.',
    ]);
  });

  test('GIVEN data from typed props (numbers, not bigints) WHEN validated THEN whole numbers count as integers', () => {
    const data: TomlTable = {
      concurrent: 4,
      runners: [
        {
          url: 'https://gitlab.example.com',
          token: TOKEN,
          executor: 'docker+machine',
          docker: { image: 'alpine:3.20' },
          machine: { MachineDriver: 'amazonec2', MachineName: 'auto-%s', IdleCount: 0, IdleTime: 1800, IdleScaleFactor: 1 },
        },
      ],
    };
    expect(lintData(data)).toEqual([
      'warning: runners[0].machine.IdleScaleFactor: is 1, but IdleCount is 0 and IdleCount caps the idle machines the factor asks for, so no idle machine is ever created. Fix: set IdleCount to the largest number of idle machines you want, or remove IdleScaleFactor.',
    ]);
  });

  test('GIVEN deploy-time references in literal-checked keys WHEN validated THEN they are not checked', () => {
    const ref = Token.asString({ Ref: 'var.runner_token' });
    const num = Token.asNumber({ Ref: 'var.idle' });
    const data: TomlTable = {
      concurrent: Token.asNumber({ Ref: 'var.concurrent' }),
      runners: [
        {
          url: Token.asString({ Ref: 'var.url' }),
          token: ref,
          executor: 'docker+machine',
          docker: { image: 'alpine:3.20' },
          machine: {
            MachineDriver: 'amazonec2',
            MachineName: 'auto-%s',
            IdleCount: num,
            MachineOptions: Token.asList({ Ref: 'var.options' }),
            autoscaling: [{ Periods: [Token.asString({ Ref: 'var.period' })], Timezone: Token.asString({ Ref: 'var.tz' }) }],
          },
          cache: { Type: 's3', s3: { ServerAddress: Token.asString({ Ref: 'var.s3' }), BucketName: 'b' } },
        },
      ],
    };
    expect(lintData(data)).toEqual([]);
  });

  test('GIVEN a token embedded in a longer string WHEN validated THEN the shape check is skipped', () => {
    const data: TomlTable = {
      concurrent: 4,
      runners: [
        {
          url: `https://${Token.asString({ Ref: 'var.host' })}`,
          token: TOKEN,
          executor: 'shell',
        },
      ],
    };
    expect(lintData(data)).toEqual([]);
  });

  test('GIVEN several problems WHEN validated THEN they come in document order, each section after its keys', () => {
    const out = lint({
      concurrent: '"4"',
      runner: 'limit = -1',
      machine: 'IdleTime = 1.5',
      global: 'log_level = "loud"',
    });
    expect(out.map((l) => l.split(': ')[1])).toEqual(['concurrent', 'log_level', 'runners[0].limit', 'runners[0].machine.IdleTime']);
  });

  test('GIVEN the same input twice WHEN validated THEN the output is identical', () => {
    const text = configToml({ runner: 'bogus = 1\nlimit = "x"', machine: 'Periods = 1' });
    expect(lintToml(text)).toEqual(lintToml(text));
  });

  test('GIVEN arbitrary TOML-like data WHEN validated THEN it never throws and every diagnostic is well formed', () => {
    const leaf: fc.Arbitrary<TomlValue> = fc.oneof(
      fc.string(),
      fc.integer().map((n) => BigInt(n)),
      fc.double(),
      fc.boolean(),
      fc.constantFrom('glrt-x', '* * * * *', 'Europe/Berlin', 'docker+machine', 'https://x', ''),
    );
    const value: fc.Arbitrary<TomlValue> = fc.letrec<{ v: TomlValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom('runners', 'machine', 'docker', 'cache', 's3', 'autoscaler', 'policy', 'autoscaling', 'IdleCount', 'Periods', 'executor', 'token', 'url', 'limit', 'x'),
          tie('v'),
          { maxKeys: 4 },
        ),
      ),
    })).v;
    const root = fc.dictionary(
      fc.constantFrom('concurrent', 'runners', 'check_interval', 'labels', 'session_server', 'machine', 'unknown'),
      value,
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(root, (data) => {
        const out = validateConfig(data as TomlTable);
        for (const d of out) {
          expect(['error', 'warning']).toContain(d.level);
          expect(typeof d.path).toBe('string');
          expect(d.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('GIVEN random docker+machine runners WHEN validated THEN diagnostics depend only on the data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 1, max: 20 }), (idle, time, concurrent) => {
        const text = configToml({ concurrent: String(concurrent), machine: `IdleCount = ${idle}\nIdleTime = ${time}` });
        const out = lintToml(text);
        expect(out.every((l) => l.startsWith('warning: '))).toBe(true);
        expect(out.some((l) => l.includes('IdleCount: is'))).toBe(idle > concurrent);
      }),
    );
  });
});
