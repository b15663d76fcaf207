/**
 * Import and round trips: fromToml(x).render() parses back to the data of x (plus pinned
 * defaults), fmt is idempotent, and a property test over generated configs.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { GitlabRunnerError } from '../../lib/errors';
import { RunnerConfig } from '../../lib/config/runner-config';
import { markParsedFloats } from '../../lib/private/config/float-marks';
import { addPinnedDefaults, dataToProps, propsToData } from '../../lib/private/config/mapping';
import { SECTIONS } from '../../lib/private/config/schema.generated';
import type { KeySpec, SectionSpec, TomlTable } from '../../lib/private/config/schema-types';
import { emitToml } from '../../lib/private/config/toml-emit';
import { typed, typedParse } from './helpers';

const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'config', 'docker-machine-s3.toml'), 'utf8');

type Obj = Record<string, any>;

describe('import of a hand-written config.toml', () => {
  test('GIVEN the docs-style fixture WHEN imported THEN typed props carry the values in camelCase with units', () => {
    const config = RunnerConfig.fromToml(FIXTURE);
    const r0 = config.props.runners![0];
    expect(config.props.concurrent).toBe(50);
    expect(config.props.sessionServer).toEqual({ sessionTimeoutSeconds: 1800 });
    expect(r0.outputLimitKilobytes).toBe(52428800);
    expect(r0.tokenObtainedAt).toBe('2026-01-02T03:04:05Z');
    expect(r0.machine!.idleTimeSeconds).toBe(1800);
    expect(r0.machine!.idleScaleFactor).toBe(1);
    expect(r0.machine!.autoscaling![1]).toEqual({ periods: ['* * * * * sat,sun *'], idleCount: 5, idleTimeSeconds: 60, idleScaleFactor: 0.5 });
    expect(r0.cache!.s3!.secretKey).toBe('PLACEHOLDER-SECRET-KEY');
    expect(r0.docker!.sysctls).toEqual({ 'net.ipv4.ip_forward': '1' });
    expect(config.props.runners![1].autoscaler!.pluginConfig).toEqual({ name: 'my-docker-asg', profile: 'default' });
    expect(r0.rawToml).toBeUndefined();
    expect(config.props.rawToml).toBeUndefined();
  });

  test('GIVEN the fixture WHEN imported and rendered THEN it parses back to the same data, plus pinned time zones and float-typed IdleScaleFactor', () => {
    const out = RunnerConfig.fromToml(FIXTURE).render();
    const expected = parse(FIXTURE, { integersAsBigInt: true }) as Obj;
    // the documented differences, and nothing else:
    expected.runners[0].machine.IdleScaleFactor = 1; // integer 1 for a float key -> 1.0 (F09)
    expected.runners[0].machine.autoscaling[1].Timezone = 'UTC'; // pinned default (F06)
    expected.runners[1].autoscaler.policy[0].timezone = 'UTC';
    expect(typedParse(out)).toEqual(typed(expected));
  });

  test('GIVEN a file as gitlab-runner register writes it WHEN formatted THEN it is byte-identical (same order and layout)', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'config', 'register-output.toml'), 'utf8');
    const config = RunnerConfig.fromToml(text);
    expect(config.diagnostics().filter((d) => d.level === 'error')).toEqual([]);
    expect(config.render()).toBe(text);
  });

  test('GIVEN the fixture WHEN formatted twice THEN the second pass is byte-identical', () => {
    const once = RunnerConfig.fromToml(FIXTURE).render();
    expect(RunnerConfig.fromToml(once).render()).toBe(once);
  });

  test('GIVEN unknown keys, removed keys and sections without typed props WHEN imported THEN they go to rawToml unchanged and are reported', () => {
    const text = [
      'concurrent = 1',
      'metrics_server = ":9252"',
      '[[runners]]',
      '  name = "k"',
      '  url = "https://gitlab.example.com"',
      '  token = "glrt-PLACEHOLDER0000000000000"',
      '  executor = "kubernetes"',
      '  pre_clone_script = "echo hi"',
      '  [runners.kubernetes]',
      '    namespace = "ci"',
      '    cpu_limit_ratio = 1.0',
      '    poll_timeout = 180',
      '  [runners.machine]',
      '    IdleCount = 1',
      '    OffPeakPeriods = ["* * 0-9,18-23 * * mon-fri *"]',
      '  [runners.docker]',
      '    imagee = "alpine"',
      '',
    ].join('\n');
    const config = RunnerConfig.fromToml(text);
    expect(config.props.rawToml).toEqual({ metrics_server: ':9252' });
    expect(config.props.runners![0].rawToml).toEqual({
      pre_clone_script: 'echo hi',
      kubernetes: { namespace: 'ci', cpu_limit_ratio: 1, poll_timeout: 180n },
      machine: { OffPeakPeriods: ['* * 0-9,18-23 * * mon-fri *'] },
      docker: { imagee: 'alpine' },
    });
    expect(config.props.runners![0].machine).toEqual({ idleCount: 1 });
    const paths = config.diagnostics().filter((d) => d.level === 'error').map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['metrics_server', 'runners[0].pre_clone_script', 'runners[0].machine.OffPeakPeriods', 'runners[0].docker.imagee']));
    // rendering the same data (validation aside) gives back exactly the input data, 1.0 included
    expect(typedParse(emitToml(config.toData()))).toEqual(typedParse(text));
    expect(emitToml(config.toData())).toContain('    cpu_limit_ratio = 1.0\n    namespace = "ci"\n    poll_timeout = 180\n');
  });

  test('GIVEN wrongly typed values WHEN imported THEN they stay as written (in rawToml) so the validator reports them', () => {
    const config = RunnerConfig.fromToml('[[runners]]\n  [runners.machine]\n    IdleTime = 1800.5\n    IdleCount = "30"\n');
    expect(config.props.runners![0].machine).toEqual({}); // the section itself is typed; its bad values are raw
    expect(config.props.runners![0].rawToml).toEqual({ machine: { IdleTime: 1800.5, IdleCount: '30' } });
    const errors = config.diagnostics().filter((d) => d.level === 'error');
    expect(errors.map((d) => d.path)).toEqual(expect.arrayContaining(['runners[0].machine.IdleTime', 'runners[0].machine.IdleCount']));
  });

  test('GIVEN an autoscaling entry with an unknown key WHEN imported THEN the whole array is kept raw (rawToml cannot address one entry)', () => {
    const text = '[[runners]]\n  [runners.machine]\n    IdleCount = 1\n    [[runners.machine.autoscaling]]\n      Periods = ["* * 9-17 * * mon-fri *"]\n      Timezone = "UTC"\n      IdelCount = 5\n';
    const config = RunnerConfig.fromToml(text);
    expect(config.props.runners![0].machine).toEqual({ idleCount: 1 });
    expect(config.props.runners![0].rawToml).toEqual({ machine: { autoscaling: [{ Periods: ['* * 9-17 * * mon-fri *'], Timezone: 'UTC', IdelCount: 5n }] } });
    expect(config.diagnostics().some((d) => d.level === 'error' && d.path === 'runners[0].machine.autoscaling[0].IdelCount')).toBe(true);
    expect(typedParse(emitToml(config.toData()))).toEqual(typedParse(text));
  });

  test('GIVEN autoscaling written as an inline table (not an array) WHEN imported THEN it is kept as written and reported (F08)', () => {
    const config = RunnerConfig.fromToml('[[runners]]\n  [runners.machine]\n    autoscaling = { Periods = ["* * 9-17 * * mon-fri *"], IdleCount = 5 }\n');
    expect(config.props.runners![0].rawToml).toEqual({ machine: { autoscaling: { Periods: ['* * 9-17 * * mon-fri *'], IdleCount: 5n } } });
    expect(config.diagnostics().some((d) => d.level === 'error' && d.path.startsWith('runners[0].machine.autoscaling'))).toBe(true);
  });

  test('GIVEN an array of inline tables WHEN formatted THEN it is written as [[...]] (F08)', () => {
    const text = '[[runners]]\n  name = "a"\n  [runners.docker]\n    services = [{ name = "postgres:16" }, { name = "redis:7", alias = "cache" }]\n';
    const out = emitToml(RunnerConfig.fromToml(text).toData());
    expect(out).toBe('[[runners]]\n  name = "a"\n  [runners.docker]\n    [[runners.docker.services]]\n      name = "postgres:16"\n    [[runners.docker.services]]\n      name = "redis:7"\n      alias = "cache"\n');
  });

  test('GIVEN invalid TOML WHEN imported THEN GitlabRunnerError with FILE:line:column', () => {
    let error: unknown;
    try {
      RunnerConfig.fromToml('concurrent = 1\n[[runners]]\n  name = "a\n', { source: 'config.toml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitlabRunnerError);
    const d = (error as GitlabRunnerError).diagnostics[0];
    expect(d.level).toBe('error');
    expect(d.path).toBe('config.toml:3:12');
    expect(d.message).toMatch(/^invalid TOML: .+\. Fix: correct the TOML syntax at line 3, column 12\.$/);
  });

  test('GIVEN CRLF line endings and a byte order mark WHEN imported THEN the same data as LF', () => {
    // (the fixture's ''' multi-line string would keep its CRLF, as TOML says, so it is left out)
    const lf = FIXTURE.replace(/  pre_get_sources_script = '''[\s\S]*?'''\n/, '');
    const crlf = `\ufeff${lf.replace(/\n/g, '\r\n')}`;
    expect(RunnerConfig.fromToml(crlf).render()).toBe(RunnerConfig.fromToml(lf).render());
    expect(RunnerConfig.fromToml(lf).render()).not.toContain('pre_get_sources_script');
  });

  test('GIVEN a duplicate key WHEN imported THEN it is a parse error (TOML forbids it)', () => {
    expect(() => RunnerConfig.fromToml('concurrent = 1\nconcurrent = 2\n')).toThrow(/^config\.toml:2:\d+: invalid TOML/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property test: generated configs (every section of the schema, typed and raw keys, random
// strings with control characters and non-ASCII, integers, floats incl. -0/inf/nan, datetimes)

const BY_NAME = new Map<string, SectionSpec>(SECTIONS.map((s) => [s.name, s]));

const safeKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__' && k !== 'constructor');
const anyString = fc.string({ unit: 'binary', maxLength: 12 });
const rawFloat = fc.double().filter((n) => !Number.isInteger(n) || !Number.isFinite(n));
const rawScalar = fc.oneof(anyString, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), rawFloat, fc.boolean());
const rawValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    rawScalar,
    fc.array(rawScalar, { maxLength: 3 }),
    fc.dictionary(safeKey, tie('v'), { maxKeys: 3 }),
  ),
})).v;
const rawTable = fc.dictionary(safeKey, rawValue, { maxKeys: 3 });
const datetime = fc
  .tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.constantFrom('Z', '+05:30', '-08:00'))
  .map(([d, off]) => {
    const iso = d.toISOString().replace(/\.000Z$/, 'Z').replace(/Z$/, off);
    return iso;
  });

function valueArb(spec: KeySpec): fc.Arbitrary<unknown> {
  switch (spec.type) {
    case 'string':
    case 'duration':
      return anyString;
    case 'integer':
      return fc.integer({ min: -2_000_000_000, max: 2_000_000_000 });
    case 'float':
      return fc.double();
    case 'bool':
      return fc.boolean();
    case 'datetime':
      return datetime;
    case 'string[]':
      return fc.array(anyString, { maxLength: 3 });
    case 'float[]':
      return fc.array(fc.double(), { maxLength: 3 });
    case 'string|string[]':
      return fc.oneof(anyString, fc.array(anyString, { maxLength: 3 }));
    case 'map<string>':
      return fc.dictionary(safeKey, anyString, { maxKeys: 3 });
    case 'map<bool>':
      return fc.dictionary(safeKey, fc.boolean(), { maxKeys: 3 });
    case 'map<string[]>':
      return fc.dictionary(safeKey, fc.array(anyString, { maxLength: 2 }), { maxKeys: 3 });
    case 'free':
      return rawTable;
    case 'table':
      return spec.section && !BY_NAME.get(spec.section)!.freeForm ? sectionArb(spec.section) : rawTable;
    case 'table[]':
      return fc.array(sectionArb(spec.section!), { maxLength: 2 });
    default:
      throw new Error(spec.type);
  }
}

const cache = new Map<string, fc.Arbitrary<Obj>>();
/** A data tree (TOML spelling) for one section: some typed keys, sometimes an unknown raw key. */
function sectionArb(name: string): fc.Arbitrary<Obj> {
  let arb = cache.get(name);
  if (arb) return arb;
  const spec = BY_NAME.get(name)!;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of spec.keys) if (k.key !== 'runners') model[k.key] = valueArb(k);
  if (name === '') model.runners = fc.array(sectionArb('runners'), { maxLength: 3 });
  const unknown = fc.option(fc.dictionary(fc.constantFrom('x_unknown', 'zz_new_key', 'Imagee'), rawValue, { maxKeys: 2 }), { nil: undefined });
  arb = fc
    .tuple(fc.record(model, { requiredKeys: [] }), unknown)
    .map(([typedKeys, extra]) => ({ ...(extra ?? {}), ...(typedKeys as Obj) }));
  cache.set(name, arb);
  return arb;
}

/**
 * The typed view (see helpers.typed) a TOML file holding `data` must read back as, from the
 * schema: integer keys are integers, float keys floats, datetimes dates; raw numbers are
 * integers when whole (bigint or whole JS number), floats otherwise.
 */
function expectedTyped(data: Obj): unknown {
  return typedWith(data, BY_NAME.get(''), undefined);
}

function typedWith(value: unknown, section: SectionSpec | undefined, spec: KeySpec | undefined): unknown {
  const type = spec?.type;
  if (Array.isArray(value)) {
    const childSection = type === 'table[]' && spec?.section ? BY_NAME.get(spec.section) : undefined;
    return value.map((v) => (childSection ? typedWith(v, childSection, undefined) : typedWith(v, undefined, spec)));
  }
  if (typeof value === 'number') {
    if (type === 'integer') return `int:${value}`;
    if (type === 'float' || type === 'float[]') return typed(value);
    return Number.isInteger(value) ? `int:${value}` : typed(value);
  }
  if (typeof value === 'string' && type === 'datetime') return `date:${new Date(value).getTime()}`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const keySpec = section?.keys.find((s) => s.key === k);
      const v = (value as Obj)[k];
      if (keySpec && keySpec.type === 'table' && keySpec.section && !BY_NAME.get(keySpec.section)!.freeForm) out[k] = typedWith(v, BY_NAME.get(keySpec.section), undefined);
      else if (section?.name === '' && k === 'runners') out[k] = typedWith(v, undefined, { key: 'runners', prop: 'runners', type: 'table[]', section: 'runners', doc: '' });
      else if (keySpec) out[k] = typedWith(v, undefined, keySpec);
      else out[k] = typedWith(v, undefined, undefined);
    }
    return out;
  }
  return typed(value);
}

describe('property: generated configs', () => {
  test('render -> parse gives back the same typed data (emitter)', () => {
    fc.assert(
      fc.property(sectionArb(''), (data) => {
        const text = emitToml(data as TomlTable);
        expect(typedParse(text)).toEqual(expectedTyped(data));
      }),
      { numRuns: 150 },
    );
  });

  test('import -> render is the same data plus pinned time zones, and fmt is idempotent', () => {
    fc.assert(
      fc.property(sectionArb(''), (data) => {
        const text = emitToml(data as TomlTable);
        const parsed = parse(text, { integersAsBigInt: true }) as Obj;
        markParsedFloats(parsed);
        const props = dataToProps(parsed);
        const mapped = propsToData(props);
        expect(mapped.diagnostics).toEqual([]);
        const once = emitToml(mapped.data);
        expect(typedParse(once)).toEqual(expectedTyped(addPinnedDefaults(data)));
        const again = emitToml(RunnerConfig.fromToml(once).toData());
        expect(again).toBe(once);
      }),
      { numRuns: 150 },
    );
  });
});
