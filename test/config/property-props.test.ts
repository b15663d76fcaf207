/**
 * Property test on the TypeScript side: generated typed props (every section, camelCase props,
 * rawToml escape hatches) -> canonical TOML -> fromToml gives back the same props (plus the
 * pinned time zones), and rendering again is byte-identical.
 */
import fc from 'fast-check';
import { RunnerConfig } from '../../lib/config/runner-config';
import { propsToData } from '../../lib/private/config/mapping';
import { SECTIONS } from '../../lib/private/config/schema.generated';
import type { KeySpec, SectionSpec } from '../../lib/private/config/schema-types';
import { emitToml } from '../../lib/private/config/toml-emit';

type Obj = Record<string, any>;
const BY_NAME = new Map<string, SectionSpec>(SECTIONS.map((s) => [s.name, s]));

const safeKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__' && k !== 'constructor');
const text = fc.string({ unit: 'binary', maxLength: 12 });
const datetime = fc
  .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('Z', '+05:30', '-08:00'))
  .map(([d, off]) => d.toISOString().replace(/\.\d{3}Z$/, off));
/** Raw values as a TS user writes them: whole numbers are integers, fractions floats. */
const rawScalar = fc.oneof(text, fc.integer(), fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }), fc.boolean());
const rawTable = fc.dictionary(safeKey, fc.oneof(rawScalar, fc.array(rawScalar, { maxLength: 3 })), { maxKeys: 3 });

function propArb(spec: KeySpec): fc.Arbitrary<unknown> | undefined {
  switch (spec.type) {
    case 'string':
    case 'duration':
      return text;
    case 'integer':
      return fc.integer({ min: -2_000_000_000, max: 2_000_000_000 });
    case 'float':
      return fc.double();
    case 'bool':
      return fc.boolean();
    case 'datetime':
      return datetime;
    case 'string[]':
      return fc.array(text, { maxLength: 3 });
    case 'float[]':
      return fc.array(fc.double(), { maxLength: 3 });
    case 'string|string[]':
      return fc.oneof(text, fc.array(text, { maxLength: 3 }));
    case 'map<string>':
      return fc.dictionary(safeKey, text, { maxKeys: 3 });
    case 'map<bool>':
      return fc.dictionary(safeKey, fc.boolean(), { maxKeys: 3 });
    case 'map<string[]>':
      return fc.dictionary(safeKey, fc.array(text, { maxLength: 2 }), { maxKeys: 3 });
    case 'free':
      return spec.rawOnly ? undefined : rawTable;
    case 'table':
      return sectionProps(spec.section!);
    case 'table[]':
      return fc.array(sectionProps(spec.section!), { maxLength: 2 });
    default:
      return undefined;
  }
}

const cache = new Map<string, fc.Arbitrary<Obj>>();
function sectionProps(name: string): fc.Arbitrary<Obj> {
  let arb = cache.get(name);
  if (arb) return arb;
  const spec = BY_NAME.get(name)!;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of spec.keys) {
    if (k.removed || k.rawOnly || k.key === 'runners') continue;
    const a = propArb(k);
    if (a) model[k.prop] = a;
  }
  if (name === '') model.runners = fc.array(sectionProps('runners'), { maxLength: 3 });
  if (name === 'runners') {
    // the escape hatch, with sections that have no typed props and keys unknown to the schema
    model.rawToml = fc.record({ kubernetes: rawTable, zz_new_key: rawScalar }, { requiredKeys: [] });
  }
  arb = fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Obj>;
  cache.set(name, arb);
  return arb;
}

/** The props fromToml should give back: the input with the pinned time zones added (and an empty rawToml is nothing). */
function withPinned(props: Obj): Obj {
  const runners = (props.runners ?? []).map((r: Obj) => {
    const out = { ...r };
    if (out.rawToml && Object.keys(out.rawToml).length === 0) delete out.rawToml;
    if (r.machine?.autoscaling) out.machine = { ...r.machine, autoscaling: r.machine.autoscaling.map((a: Obj) => ({ timezone: 'UTC', ...a })) };
    if (r.autoscaler?.policy) out.autoscaler = { ...r.autoscaler, policy: r.autoscaler.policy.map((p: Obj) => ({ timezone: 'UTC', ...p })) };
    return out;
  });
  return props.runners ? { ...props, runners } : props;
}

/** Raw integers come back as bigint (the TOML integer type); compare them as numbers. */
function numbersForBigints(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(numbersForBigints);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersForBigints(v)]));
  return value;
}

test('typed props -> TOML -> fromToml gives back the same props, and the second rendering is byte-identical', () => {
  fc.assert(
    fc.property(sectionProps(''), (props) => {
      const mapped = propsToData(props);
      expect(mapped.diagnostics).toEqual([]);
      const text1 = emitToml(mapped.data);
      const imported = RunnerConfig.fromToml(text1);
      expect(numbersForBigints(imported.props)).toEqual(withPinned(props));
      expect(emitToml(imported.toData())).toBe(text1);
    }),
    { numRuns: 200 },
  );
});
