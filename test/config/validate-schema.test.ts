/**
 * Coverage over the whole schema: every typed key of every enumerated section rejects a value
 * of the wrong type, every integer key rejects a value below its range, and every enumerated
 * key rejects a value outside its enum, each at the key's exact TOML path.
 */
import { SECTIONS } from '../../lib/private/config/schema.generated';
import type { KeySpec, TomlTable, TomlValue } from '../../lib/private/config/schema-types';
import { RULE_SETS, validateConfig } from '../../lib/private/config/validate';
import { EXTRA_ENUMS } from '../../lib/private/config/validate/enums';
import { RANGED_KEYS, rangeOf } from '../../lib/private/config/validate/ranges';

/** Builds a tree with `value` at `key` of section `section`; returns it and the key's path. */
function place(section: string, key: string, value: TomlValue): { data: TomlTable; path: string } {
  const data: TomlTable = {};
  let table: TomlTable = data;
  let path = '';
  let name = '';
  for (const part of section === '' ? [] : section.split('.')) {
    name = name === '' ? part : `${name}.${part}`;
    const spec = SECTIONS.find((s) => s.name === name);
    const child: TomlTable = {};
    if (spec?.form === 'array') {
      table[part] = [child];
      path = `${path === '' ? '' : `${path}.`}${part}[0]`;
    } else {
      table[part] = child;
      path = `${path === '' ? '' : `${path}.`}${part}`;
    }
    table = child;
  }
  table[key] = value;
  return { data, path: path === '' ? key : `${path}.${key}` };
}

function wrongValue(spec: KeySpec): TomlValue | undefined {
  switch (spec.type) {
    case 'string':
    case 'string[]':
    case 'string|string[]':
    case 'map<string>':
    case 'map<bool>':
    case 'map<string[]>':
    case 'table':
    case 'table[]':
      return 5n;
    case 'integer':
    case 'float':
    case 'bool':
    case 'datetime':
    case 'float[]':
      return 'x';
    case 'duration':
      return true;
    case 'free':
      return undefined;
  }
}

const typedKeys = SECTIONS.filter((s) => !s.freeForm).flatMap((s) =>
  s.keys.filter((k) => !k.removed && k.type !== 'free').map((k) => [s.name === '' ? '(global)' : s.name, k.key, s.name, k] as const),
);

describe('every key of the schema', () => {
  test('the schema has typed keys to check', () => {
    expect(typedKeys.length).toBeGreaterThan(250);
  });

  test.each(typedKeys)('GIVEN %s %s with a value of the wrong type WHEN validated THEN it is an error at its path', (_label, _key, section, spec) => {
    const { data, path } = place(section, spec.key, wrongValue(spec) as TomlValue);
    const errors = validateConfig(data).filter((d) => d.level === 'error' && d.path === path);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^got .*, expected .*\. Fix: .+\.$/);
  });

  const integerKeys = typedKeys.filter(([, , , spec]) => spec.type === 'integer');
  test.each(integerKeys)('GIVEN %s %s below its range WHEN validated THEN it is an error naming the range', (_label, _key, section, spec) => {
    const min = rangeOf(section, spec.key).min;
    const { data, path } = place(section, spec.key, BigInt(min - 1));
    const errors = validateConfig(data).filter((d) => d.level === 'error' && d.path === path);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(`got ${min - 1}, expected `);
    expect(errors[0].message).toContain(`Fix: write ${min} or more.`);
  });

  const enumKeys = typedKeys.filter(([, , , spec]) => spec.enum !== undefined);
  test.each(enumKeys)('GIVEN %s %s outside its enum WHEN validated THEN it is an error listing the values', (_label, _key, section, spec) => {
    const value = spec.type === 'string|string[]' ? ['no-such-value'] : 'no-such-value';
    const { data, path } = place(section, spec.key, value);
    const at = spec.type === 'string|string[]' ? `${path}[0]` : path;
    const errors = validateConfig(data).filter((d) => d.level === 'error' && d.path === at);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(`expected one of ${(spec.enum as readonly string[]).map((v) => JSON.stringify(v)).join(', ')}.`);
  });
});

describe('rule tables', () => {
  test('GIVEN every key rule and section rule WHEN looked up in the schema THEN its section and key exist (no rule silently never runs)', () => {
    const missing: string[] = [];
    for (const set of RULE_SETS) {
      for (const id of Object.keys(set.keys ?? {})) {
        const cut = id.lastIndexOf('/');
        const section = SECTIONS.find((s) => s.name === id.slice(0, cut));
        if (!section || !section.keys.some((k) => k.key === id.slice(cut + 1))) missing.push(id);
      }
      for (const name of Object.keys(set.sections ?? {})) {
        if (!SECTIONS.some((s) => s.name === name)) missing.push(name);
      }
    }
    for (const id of [...RANGED_KEYS, ...Object.keys(EXTRA_ENUMS)]) {
      const cut = id.lastIndexOf('/');
      const section = SECTIONS.find((s) => s.name === id.slice(0, cut));
      if (!section || !section.keys.some((k) => k.key === id.slice(cut + 1))) missing.push(id);
    }
    expect(missing).toEqual([]);
  });
});
