/**
 * No false errors: configs built from random subsets of every key of the main sections, each
 * with a valid value of its type (and of its shape, for keys with shape rules), give no errors.
 * Warnings are allowed (random combinations are often inconsistent, e.g. IdleCount > limit).
 */
import * as fc from 'fast-check';
import { SECTIONS } from '../../lib/private/config/schema.generated';
import type { KeySpec, TomlTable, TomlValue } from '../../lib/private/config/schema-types';
import { validateConfig } from '../../lib/private/config/validate';
import { rangeOf } from '../../lib/private/config/validate/ranges';

/** Valid values for keys with a shape rule or an enum-like meaning. `section/key`. */
const SHAPED: Readonly<Record<string, fc.Arbitrary<TomlValue>>> = {
  '/listen_address': fc.constantFrom(':9252', '127.0.0.1:9252', 'localhost'),
  'session_server/listen_address': fc.constantFrom('0.0.0.0:8093', '[::]:8093'),
  'session_server/advertise_address': fc.constant('runner.example.com:8093'),
  '/labels': fc.constant({ team: 'ci', 'env.name': 'prod-1' }),
  'runners/labels': fc.constant({ runner_kind: 'dm' }),
  'runners/url': fc.constantFrom('https://gitlab.example.com', 'http://10.0.0.1:8080/gitlab/'),
  'runners/clone_url': fc.constant('https://gitlab.example.com'),
  'runners/token': fc.constantFrom('glrt-PLACEHOLDER0000000000000', 'glrt-t1_PLACEHOLDER'),
  'runners/environment': fc.constant(['FOO=bar', 'EMPTY=']),
  'runners/feature_flags': fc.constant({ FF_USE_FASTZIP: true }),
  'runners/output_limit': fc.integer({ min: 0, max: 1048575 }).map(BigInt),
  'runners.docker/image': fc.constantFrom('alpine:3.20', 'registry.example.com/ci/image@sha256:abc'),
  'runners.docker/memory': fc.constantFrom('512m', '2g', '1073741824'),
  'runners.docker/memory_swap': fc.constantFrom('1g', '-1'),
  'runners.docker/memory_reservation': fc.constant('256m'),
  'runners.docker/service_memory': fc.constant('512m'),
  'runners.docker/service_memory_swap': fc.constant('-1'),
  'runners.docker/service_memory_reservation': fc.constant('128m'),
  'runners.docker/cpus': fc.constantFrom('1.5', '2'),
  'runners.docker/service_cpus': fc.constant('0.5'),
  'runners.docker/cpuset_cpus': fc.constantFrom('0-3', '0,2'),
  'runners.docker/service_cpuset_cpus': fc.constant('1'),
  'runners.docker/cpuset_mems': fc.constant('0'),
  'runners.docker/host': fc.constantFrom('unix:///var/run/docker.sock', 'tcp://10.0.0.5:2376'),
  'runners.docker/allowed_pull_policies': fc.constant(['always', 'if-not-present', 'never']),
  'runners.machine/MachineDriver': fc.constantFrom('amazonec2', 'google'),
  'runners.machine/MachineName': fc.constantFrom('auto-%s', 'ci.%s'),
  'runners.machine/MachineOptions': fc.constant(['amazonec2-region=eu-central-1', 'amazonec2-use-private-address']),
  'runners.machine/MachineOptionsWithName': fc.constant(['amazonec2-tags=name,%s']),
  'runners.machine.autoscaling/Periods': fc.constant(['* * 8-18 * * mon-fri *', '* * * * * sat,sun *']),
  'runners.machine.autoscaling/Timezone': fc.constantFrom('UTC', 'Europe/Berlin'),
  'runners.cache.s3/ServerAddress': fc.constantFrom('s3.amazonaws.com', 'minio:9000', '[::1]:9000'),
  'runners.ssh/port': fc.constant('22'),
  'runners.autoscaler/plugin': fc.constantFrom('aws', 'googlecloud:1.0'),
  'runners.autoscaler.policy/periods': fc.constant(['* 8-18 * * mon-fri']),
  'runners.autoscaler.policy/timezone': fc.constant('UTC'),
};

/** Keys that only make sense in pairs or with a specific other value (checked in their own tests). */
const SKIP = new Set(['runners/executor', 'runners.docker/pull_policy', 'runners.machine/OffPeakPeriods']);

function valueFor(section: string, spec: KeySpec): fc.Arbitrary<TomlValue> | undefined {
  const id = `${section}/${spec.key}`;
  if (SKIP.has(id) || spec.removed || spec.deprecated) return undefined;
  if (SHAPED[id]) return SHAPED[id];
  if (spec.enum) return spec.type === 'string|string[]' ? fc.constant([spec.enum[0]]) : fc.constantFrom(...spec.enum);
  const range = rangeOf(section, spec.key);
  switch (spec.type) {
    case 'string':
      return fc.constantFrom('value-1', '/opt/dir', 'ünïcödé');
    case 'integer':
      return fc.integer({ min: range.min, max: range.max ?? range.min + 100 }).map(BigInt);
    case 'float':
      return fc.double({ min: 0, max: 10, noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'duration':
      return fc.constantFrom('30s', '1h30m', '0', '500ms');
    case 'datetime':
      return fc.constant(new Date('2026-01-02T03:04:05Z'));
    case 'string[]':
    case 'string|string[]':
      return fc.constant(['a', 'b']);
    case 'float[]':
      return fc.constant([0.5, 1, 10]);
    case 'map<string>':
      return fc.constant({ key1: 'value' });
    case 'map<bool>':
      return fc.constant({ FF_X: true });
    case 'map<string[]>':
      return fc.constant({ key1: ['a'] });
    default:
      return undefined; // tables and free-form: built below
  }
}

/** A table of a random subset of the section's scalar keys. */
function tableOf(section: string, fixed: TomlTable = {}): fc.Arbitrary<TomlTable> {
  const spec = SECTIONS.find((s) => s.name === section);
  if (!spec) throw new Error(section);
  const entries = spec.keys
    .filter((k) => !(k.key in fixed))
    .map((k) => [k.key, valueFor(section, k)] as const)
    .filter((e): e is readonly [string, fc.Arbitrary<TomlValue>] => e[1] !== undefined);
  const record: Record<string, fc.Arbitrary<TomlValue>> = Object.fromEntries(entries);
  return fc.record(record, { requiredKeys: [] }).map((t) => ({ ...t, ...fixed }) as TomlTable);
}

const machineConfig = fc
  .record({
    root: tableOf(''),
    runner: tableOf('runners', { executor: 'docker+machine' }),
    docker: tableOf('runners.docker', { image: 'alpine:3.20' }),
    services: fc.array(tableOf('runners.docker.services', { name: 'postgres:16' }), { maxLength: 2 }),
    machine: tableOf('runners.machine', { MachineDriver: 'amazonec2', MachineName: 'auto-%s' }),
    autoscaling: fc.array(tableOf('runners.machine.autoscaling', { Periods: ['* * 8-18 * * mon-fri *'] }), { maxLength: 2 }),
    s3: tableOf('runners.cache.s3', { BucketName: 'runner' }).map((t) => {
      const { AccessKey, SecretKey, AuthenticationType, ServerSideEncryption, ServerSideEncryptionKeyID, UploadRoleARN, ...rest } = t;
      void [AccessKey, SecretKey, AuthenticationType, ServerSideEncryption, ServerSideEncryptionKeyID, UploadRoleARN];
      return rest as TomlTable;
    }),
    session: tableOf('session_server'),
  })
  .map(({ root, runner, docker, services, machine, autoscaling, s3, session }) => {
    const data: TomlTable = {
      ...root,
      session_server: session,
      runners: [
        {
          url: 'https://gitlab.example.com',
          token: 'glrt-PLACEHOLDER0000000000000',
          ...runner,
          docker: { ...docker, services },
          machine: { ...machine, autoscaling },
          cache: { Type: 's3', s3 },
        },
      ],
    };
    delete (data as Record<string, unknown>).machine;
    delete (data as Record<string, unknown>).experimental;
    return data;
  });

const autoscalerConfig = fc
  .record({
    runner: tableOf('runners', { executor: 'docker-autoscaler' }),
    autoscaler: tableOf('runners.autoscaler', { plugin: 'aws' }),
    connector: tableOf('runners.autoscaler.connector_config'),
    policy: fc.array(tableOf('runners.autoscaler.policy'), { maxLength: 3 }),
    throttle: tableOf('runners.autoscaler.scale_throttle'),
    state: tableOf('runners.autoscaler.state_storage'),
  })
  .map(({ runner, autoscaler, connector, policy, throttle, state }) => ({
    concurrent: 10n,
    runners: [
      {
        url: 'https://gitlab.example.com',
        token: 'glrt-PLACEHOLDER0000000000000',
        ...runner,
        docker: { image: 'alpine:3.20' },
        autoscaler: { ...autoscaler, connector_config: connector, policy, scale_throttle: throttle, state_storage: state, plugin_config: { any: 1n } },
      },
    ],
  }) as TomlTable);

describe('no false errors on valid values', () => {
  test('GIVEN random docker+machine configs of valid values WHEN validated THEN there are no errors', () => {
    fc.assert(
      fc.property(machineConfig, (data) => {
        expect(validateConfig(data).filter((d) => d.level === 'error')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('GIVEN random docker-autoscaler configs of valid values WHEN validated THEN there are no errors', () => {
    fc.assert(
      fc.property(autoscalerConfig, (data) => {
        expect(validateConfig(data).filter((d) => d.level === 'error')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
