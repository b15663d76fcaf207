/**
 * No secret value ever appears in a message: validation, import (`fromToml` + diagnostics),
 * mapping (typed props, `rawToml` clashes, unknown props), rendering errors and the CLI
 * (`lint` / `fmt` on a file).
 *
 * The secret keys are derived from the schema (every key flagged `secret`, wherever its section
 * sits), plus the keys the model treats as secrets by name: removed keys that are secrets, raw keys
 * named like a secret, misspellings of each secret key, and credentials inside MachineOptions.
 * Each gets bad values of every wrong type and shape, carrying a random marker (strings), random
 * digits (numbers) or both (arrays, tables). The controls at the end show that the same search
 * finds the marker where a message does show a value (a non-secret key), so the absence is not
 * an accident of the search.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'smol-toml';
import { Token } from 'cdktf';
import { formatDiagnostic, type Diagnostic } from '../../lib/errors';
import { RunnerConfig } from '../../lib/config/runner-config';
import { main } from '../../lib/cli/main';
import { propsToData } from '../../lib/private/config/mapping';
import { REMOVED_KEYS, SECTIONS } from '../../lib/private/config/schema.generated';
import type { KeySpec, TomlTable } from '../../lib/private/config/schema-types';
import { validateConfig } from '../../lib/private/config/validate';

const TOKEN = 'glrt-PLACEHOLDER0000000000000';

// ---------------------------------------------------------------------------------------------
// Where secrets live, from the schema

interface Step {
  /** TOML key and prop name. */
  readonly key: string;
  readonly prop: string;
  /** An array of tables: the value goes into its first entry. */
  readonly array: boolean;
}

interface Site {
  /** Human name, `runners[0].cache.s3.SecretKey`. */
  readonly name: string;
  readonly steps: readonly Step[];
  /** Schema-flagged (typed): a wrong type must be reported at exactly this path. */
  readonly typed: boolean;
}

const BY_NAME = new Map(SECTIONS.map((s) => [s.name, s]));

function siteName(steps: readonly Step[]): string {
  return steps.map((s) => (s.array ? `${s.key}[0]` : s.key)).join('.');
}

/** Every schema-flagged secret key, with the chain of tables that leads to it. */
function schemaSecrets(): Site[] {
  const sites: Site[] = [];
  const walk = (section: string, prefix: Step[]): void => {
    const spec = BY_NAME.get(section);
    if (!spec || spec.freeForm) return;
    for (const k of spec.keys) {
      if (k.removed || k.rawOnly) continue;
      const step = { key: k.key, prop: k.prop, array: k.type === 'table[]' };
      if (k.secret) sites.push({ name: siteName([...prefix, step]), steps: [...prefix, step], typed: true });
      if ((k.type === 'table' || k.type === 'table[]') && k.section) walk(k.section, [...prefix, step]);
    }
  };
  walk('', []);
  return sites;
}

/** The steps that lead to a section (`runners.cache` -> runners[0].cache). */
function stepsTo(section: string): Step[] {
  if (section === '') return [];
  const cut = section.lastIndexOf('.');
  const parent = cut < 0 ? '' : section.slice(0, cut);
  const key = section.slice(cut + 1);
  const spec = BY_NAME.get(parent)?.keys.find((k) => k.key === key) as KeySpec;
  return [...stepsTo(parent), { key, prop: spec.prop, array: spec.type === 'table[]' }];
}

const SCHEMA_SECRETS = schemaSecrets();
const SECRET_KEY_NAMES = new Set(SCHEMA_SECRETS.map((s) => s.steps[s.steps.length - 1].key));

/** Removed keys whose name is a secret key's name (`[runners.cache] SecretKey`, moved to s3 in 12.0). */
const REMOVED_SECRETS: Site[] = REMOVED_KEYS.filter((r) => SECRET_KEY_NAMES.has(r.key)).map((r) => {
  const steps = [...stepsTo(r.section), { key: r.key, prop: r.key, array: false }];
  return { name: siteName(steps), steps, typed: false };
});

/** Misspellings of each secret key: lower case, a letter dropped, two letters swapped. */
function misspellings(site: Site): Site[] {
  const last = site.steps[site.steps.length - 1];
  const parent = site.steps.slice(0, -1);
  const k = last.key;
  const spellings = new Set([k.toLowerCase(), k.toUpperCase(), k.slice(0, -1), `${k.slice(0, 1)}${k.slice(2, 3)}${k.slice(1, 2)}${k.slice(3)}`]);
  spellings.delete(k);
  return [...spellings].map((key) => {
    const steps = [...parent, { key, prop: key, array: false }];
    return { name: siteName(steps), steps, typed: false };
  });
}

/** Raw keys named like secrets: in a section we do not enumerate, unknown in a known one, in plugin_config. */
const RAW_SECRETS: Site[] = [
  [...stepsTo('runners'), { key: 'kubernetes', prop: 'kubernetes', array: false }, { key: 'bearer_token', prop: 'bearer_token', array: false }],
  [...stepsTo('runners'), { key: 'my_api_token', prop: 'my_api_token', array: false }],
  [...stepsTo('runners.autoscaler.plugin_config'), { key: 'client_secret', prop: 'client_secret', array: false }],
  [{ key: 'sentry_access_key', prop: 'sentry_access_key', array: false }],
].map((steps) => ({ name: siteName(steps), steps, typed: false }));

const ALL_SITES: Site[] = [...SCHEMA_SECRETS, ...REMOVED_SECRETS, ...SCHEMA_SECRETS.flatMap(misspellings), ...RAW_SECRETS];

// ---------------------------------------------------------------------------------------------
// Bad values, each carrying a marker

/** A marker: text to put in values, and the fragments that must never show up. */
interface Marked {
  readonly value: unknown;
  readonly fragments: readonly string[];
  readonly label: string;
}

const hexId = fc.array(fc.constantFrom(...'abcdef0123456789'), { minLength: 12, maxLength: 12 }).map((a) => a.join(''));
const digits = fc.array(fc.constantFrom(...'123456789'), { minLength: 14, maxLength: 14 }).map((a) => a.join(''));

/** Every 6-character window of the id: a shortened (`...`) leak still shows some window. */
function windows(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= text.length; i++) out.push(text.slice(i, i + size));
  return out;
}

function badValues(id: string, d: string): Marked[] {
  const m = `SECRET-MARKER-${id}`;
  const s = [...windows(id, 6), 'SECRET-MARKER'];
  const n = [d.slice(0, 8), d.slice(6, 14)];
  const int = BigInt(d);
  const float = Number(`${d.slice(0, 8)}.${d.slice(8, 14)}`);
  const both = [...s, ...n];
  return [
    { label: 'string', value: m, fragments: s },
    { label: 'leading space', value: ` ${m}`, fragments: s },
    { label: 'trailing newline', value: `${m}\n`, fragments: s },
    { label: 'inner space', value: `glrt-${m} def`, fragments: s },
    { label: 'glrt token', value: `glrt-${m}`, fragments: s },
    { label: 'registration token', value: `GR1348941${m}`, fragments: s },
    { label: 'quotes and escapes', value: `${m}"\\\t`, fragments: s },
    { label: 'long', value: `${m}${'x'.repeat(200)}`, fragments: s },
    { label: 'long, marker late', value: `${'y'.repeat(90)}${m}`, fragments: s },
    { label: 'empty-looking', value: `  ${m}  `, fragments: s },
    { label: 'integer', value: int, fragments: n },
    { label: 'negative integer', value: -int, fragments: n },
    { label: 'float', value: float, fragments: [d.slice(0, 8)] },
    { label: 'array of a string', value: [m], fragments: s },
    { label: 'array of two', value: [m, 'x'], fragments: s },
    { label: 'array of a number', value: [int], fragments: n },
    { label: 'nested array', value: [[m]], fragments: s },
    { label: 'table', value: { a: m }, fragments: s },
    { label: 'nested table', value: { nested: { k: m, n: int } }, fragments: both },
    { label: 'table named like a secret', value: { token: m }, fragments: s },
  ];
}

// ---------------------------------------------------------------------------------------------
// Building configs

type Obj = Record<string, unknown>;

function baseData(): Obj {
  return {
    concurrent: 1n,
    runners: [{ name: 'r0', url: 'https://gitlab.example.com', token: TOKEN, executor: 'docker', docker: { image: 'alpine:3.20' } }],
  };
}

function baseProps(): Obj {
  return { concurrent: 1, runners: [{ name: 'r0', url: 'https://gitlab.example.com', token: TOKEN, executor: 'docker', docker: { image: 'alpine:3.20' } }] };
}

/** Sets `steps` in `tree` (TOML keys or props), creating tables; returns `tree`. */
function setAt(tree: Obj, steps: readonly Step[], value: unknown, spelling: 'key' | 'prop'): Obj {
  let t = tree;
  steps.forEach((step, i) => {
    const name = step[spelling];
    if (i === steps.length - 1) {
      t[name] = value;
      return;
    }
    if (step.array) {
      const list = (t[name] ??= [{}]) as Obj[];
      t = list[0];
    } else {
      t = (t[name] ??= {}) as Obj;
    }
  });
  return tree;
}

/** Props values: numbers where TOML has integers (props take numbers). */
function asProps(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(asProps);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asProps(v)]));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Running everything that produces messages

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-secret-messages-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function messages(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map(formatDiagnostic);
}

function errorText(f: () => unknown): string[] {
  try {
    f();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** The CLI on a file: every byte of stdout and stderr, except fmt's stdout on success (the file's own rendering). */
function cli(text: string): { lint: { code: number; out: string }; fmt: { code: number; out: string } } {
  const file = path.join(dir, 'config.toml');
  fs.writeFileSync(file, text);
  const run = (command: string) => {
    let stdout = '';
    let stderr = '';
    const code = main([command, file], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      readFile: (f) => fs.readFileSync(f, 'utf8'),
    });
    return { code, stdout, stderr };
  };
  const lint = run('lint');
  const fmt = run('fmt');
  return { lint: { code: lint.code, out: lint.stdout + lint.stderr }, fmt: { code: fmt.code, out: (fmt.code === 0 ? '' : fmt.stdout) + fmt.stderr } };
}

interface Outputs {
  /** Where each text came from (for the failure message) -> the text. */
  readonly texts: Map<string, string>;
  readonly validation: Diagnostic[];
  readonly lintCode: number;
}

/** Everything the model and the CLI say about a data tree (TOML keys) and the same props. */
function everything(data: Obj, props: Obj): Outputs {
  const texts = new Map<string, string>();
  const validation = validateConfig(data as TomlTable);
  texts.set('validateConfig', messages(validation).join('\n'));
  texts.set('validateConfig without the safety net', messages(validateConfig(data as TomlTable, { scrub: false })).join('\n'));

  const toml = stringify(data);
  const imported = RunnerConfig.fromToml(toml);
  texts.set('fromToml diagnostics', messages(imported.diagnostics()).join('\n'));
  texts.set('fromToml render', errorText(() => imported.render()).join('\n'));
  texts.set('fromToml renderRedacted', errorText(() => imported.renderRedacted()).join('\n'));

  const config = new RunnerConfig(props as never);
  texts.set('props diagnostics', messages(config.diagnostics()).join('\n'));
  texts.set('props mapping without the safety net', messages(propsToData(props, { scrub: false }).diagnostics).join('\n'));
  texts.set('props render', errorText(() => config.render()).join('\n'));

  const out = cli(toml);
  texts.set('cli lint', out.lint.out);
  texts.set('cli fmt', out.fmt.out);
  return { texts, validation, lintCode: out.lint.code };
}

function leaks(outputs: Outputs, fragments: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of outputs.texts) {
    for (const f of fragments) if (text.includes(f)) found.push(`${where} shows ${JSON.stringify(f)}:\n${text}`);
  }
  return found;
}

function isTomlScalarOrTree(value: unknown): boolean {
  return value !== undefined;
}

// ---------------------------------------------------------------------------------------------

test('GIVEN the schema WHEN secret keys are derived THEN the global and per-runner secrets the model knows are all there', () => {
  // A guard on the derivation itself: if the walk broke, the property below would test nothing.
  const names = SCHEMA_SECRETS.map((s) => s.name);
  expect(names).toEqual(expect.arrayContaining(['runners[0].token', 'runners[0].cache.s3.SecretKey', 'runners[0].cache.azure.AccountKey', 'runners[0].cache.gcs.PrivateKey']));
  expect(names.length).toBe(SECTIONS.flatMap((s) => s.keys.filter((k) => k.secret)).length);
  expect(REMOVED_SECRETS.map((s) => s.name)).toEqual(expect.arrayContaining(['runners[0].cache.SecretKey']));
});

describe.each(ALL_SITES.map((site) => [site.name, site] as const))('secret at %s', (_name, site) => {
  test('GIVEN bad values of every type and shape WHEN validated, imported, mapped, clashed and linted THEN no message shows the value', () => {
    fc.assert(
      fc.property(hexId, digits, (id, d) => {
        for (const bad of badValues(id, d)) {
          if (!isTomlScalarOrTree(bad.value)) continue;
          const data = setAt(baseData(), site.steps, bad.value, 'key');
          const props = setAt(baseProps(), site.steps, asProps(bad.value), 'prop');
          const out = everything(data, props);
          const found = leaks(out, bad.fragments);
          if (found.length > 0) throw new Error(`${site.name} = ${bad.label}:\n${found[0]}`);
          // Not by accident: a wrongly typed schema secret is reported at its path (so a message was built).
          if (site.typed && typeof bad.value !== 'string') {
            const at = out.validation.filter((x) => x.level === 'error' && x.path.startsWith(site.name));
            if (at.length === 0) throw new Error(`${site.name} = ${bad.label}: no error at the path:\n${out.texts.get('validateConfig')}`);
            if (out.lintCode !== 1) throw new Error(`${site.name} = ${bad.label}: lint exit ${out.lintCode}`);
          }
        }
      }),
      { numRuns: 4 },
    );
  });

  test('GIVEN a typed value and the same key in rawToml (and a scalar rawToml parent) WHEN mapped THEN the clash message shows neither value', () => {
    // Only secrets that sit inside [[runners]] or the global section have a rawToml to clash with.
    const steps = site.steps;
    const inRunner = steps[0].key === 'runners';
    fc.assert(
      fc.property(hexId, hexId, digits, (id, id2, d) => {
        const typed = `SECRET-MARKER-${id2}`;
        const typedFragments = [...windows(id2, 6)];
        for (const bad of badValues(id, d)) {
          const rest = inRunner ? steps.slice(1) : steps;
          const holder = (p: Obj): Obj => (inRunner ? (p.runners as Obj[])[0] : p);
          // 1. The same key in typed props and in rawToml.
          const props = setAt(baseProps(), steps, typed, 'prop');
          holder(props).rawToml = setAt({}, rest, asProps(bad.value), 'key');
          // 2. A scalar in rawToml where typed props set the table holding the secret.
          const props2 = setAt(baseProps(), steps, typed, 'prop');
          if (rest.length > 1) holder(props2).rawToml = { [rest[0].key]: 'x' };
          for (const p of [props, props2]) {
            const config = new RunnerConfig(p as never);
            const texts = [
              ...messages(config.diagnostics()),
              ...messages(propsToData(p, { scrub: false }).diagnostics),
              ...errorText(() => config.render()),
            ].join('\n');
            for (const f of [...bad.fragments, ...typedFragments, 'SECRET-MARKER']) {
              if (texts.includes(f)) throw new Error(`${site.name} = ${bad.label} (rawToml clash) shows ${JSON.stringify(f)}:\n${texts}`);
            }
          }
          // The clash is reported (so the message was built).
          if (site.typed && rest.length > 0) {
            const clash = new RunnerConfig(props as never).diagnostics().filter((x) => x.message.includes('already sets this key'));
            if (clash.length === 0) throw new Error(`${site.name}: no clash reported`);
          }
        }
      }),
      { numRuns: 3 },
    );
  });
});

describe('credentials in key=value lists', () => {
  const options = ['amazonec2-secret-key', 'digitalocean-access-token', 'azure-client-secret', 'google-password', 'exoscale-api-key'];
  const shapes = (name: string, m: string): string[] => [
    `${name}=${m}`,
    `--${name}=${m}`,
    ` ${name} =${m}`,
    `${name}=${m} `,
  ];

  test('GIVEN MachineOptions credentials of any shape (dashes, spaces, one string instead of a list) WHEN checked THEN the value part never shows', () => {
    fc.assert(
      fc.property(hexId, fc.constantFrom(...options), fc.constantFrom('MachineOptions', 'MachineOptionsWithName'), (id, name, key) => {
        const m = `SECRET-MARKER-${id}`;
        for (const entry of shapes(name, m)) {
          for (const value of [[entry], [`amazonec2-region=eu-central-1`, entry], entry]) {
            const steps = [...stepsTo('runners.machine'), { key, prop: key.charAt(0).toLowerCase() + key.slice(1), array: false }];
            const data = setAt(baseData(), steps, value, 'key');
            (data.runners as Obj[])[0].executor = 'docker+machine';
            setAt(data, [...stepsTo('runners.machine'), { key: 'MachineDriver', prop: 'machineDriver', array: false }], 'amazonec2', 'key');
            setAt(data, [...stepsTo('runners.machine'), { key: 'MachineName', prop: 'machineName', array: false }], 'auto-%s', 'key');
            const out = everything(data, baseProps());
            const found = leaks(out, [...windows(id, 6), 'SECRET-MARKER']);
            if (found.length > 0) throw new Error(`${key} = ${JSON.stringify(value)}:\n${found[0]}`);
            // The credential warning (F11) is there: the entry was looked at.
            if (Array.isArray(value) && !out.validation.some((x) => x.message.includes(`"${name}=<redacted>", a credential`))) throw new Error(`no credential warning for ${JSON.stringify(value)}:\n${out.texts.get('validateConfig')}`);
          }
        }
      }),
      { numRuns: 10 },
    );
  });

  test('GIVEN a secret-named environment variable written wrongly WHEN checked THEN the fix names the variable, not the value', () => {
    const data = baseData();
    (data.runners as Obj[])[0].environment = ['AWS_SECRET_ACCESS_KEY : SECRET-MARKER-env123456'];
    const out = everything(data, baseProps());
    expect(leaks(out, ['MARKER-env'])).toEqual([]);
    expect(out.texts.get('validateConfig')).toContain('write "AWS_SECRET_ACCESS_KEY=<redacted>"');
  });
});

// ---------------------------------------------------------------------------------------------
// URL credentials and credential entries, whatever key or separator carries them

/** The string[] keys among `STRING_SITES` (their value is a list). */
const LIST_SITES = new Set<Site>();

/** Every non-secret string / string[] key of the schema, with the chain of tables that leads to it. */
function stringSites(): Site[] {
  const sites: Site[] = [];
  const walk = (section: string, prefix: Step[]): void => {
    const spec = BY_NAME.get(section);
    if (!spec || spec.freeForm) return;
    for (const k of spec.keys) {
      if (k.removed || k.rawOnly || k.secret) continue;
      const step = { key: k.key, prop: k.prop, array: k.type === 'table[]' };
      if (k.type === 'string' || k.type === 'string[]') {
        const site = { name: siteName([...prefix, step]), steps: [...prefix, step], typed: true };
        sites.push(site);
        if (k.type === 'string[]') LIST_SITES.add(site);
      }
      if ((k.type === 'table' || k.type === 'table[]') && k.section) walk(k.section, [...prefix, step]);
    }
  };
  walk('', []);
  return sites;
}

const STRING_SITES = stringSites();
/** Host ids: letters no hex id contains, so a host that shows is never mistaken for a leak. */
const hostIdArb = fc.array(fc.constantFrom(...'ghijknoqrstuvwyz'), { minLength: 12, maxLength: 12 }).map((a) => a.join(''));
/** Keys whose validator reports a URL with credentials, showing the value (controls). */
const URL_KEYS = ['runners[0].url', 'runners[0].clone_url', 'listen_address', 'session_server.listen_address', 'session_server.advertise_address', 'runners[0].cache.s3.ServerAddress'];

/** A URL whose user and password carry markers (`id`) and whose host carries another id (`hostId`, must still show). */
function urlValues(id: string, hostId: string): { label: string; value: string }[] {
  const user = `USERMARK${id}`;
  const pw = `SECRET-MARKER-${id}`;
  const host = `h${hostId}.example.com`;
  return [
    { label: 'user:password', value: `https://${user}:${pw}@${host}` },
    { label: 'user:password, port and path', value: `https://${user}:${pw}@${host}:8443/gitlab` },
    { label: 'glpat password', value: `https://oauth2:glpat-${pw}@${host}` },
    { label: 'token as the user', value: `https://glpat-${pw}@${host}` },
    { label: 'password with @', value: `https://${user}:${pw}@x@${host}` },
    { label: 'tcp scheme', value: `tcp://${user}:${pw}@${host}:2376` },
    { label: 'leading space', value: ` http://${user}:${pw}@${host}` },
    { label: 'inside an entry', value: `HTTP_PROXY=http://${user}:${pw}@${host}:3128` },
  ];
}

describe('credentials inside URLs', () => {
  test('GIVEN the schema WHEN string keys are derived THEN the URL-valued keys are among them', () => {
    const names = STRING_SITES.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['runners[0].url', 'runners[0].clone_url', 'listen_address', 'session_server.advertise_address', 'runners[0].cache.s3.ServerAddress', 'runners[0].docker.host', 'runners[0].environment']));
  });

  test.each(STRING_SITES.map((s) => [s.name, s] as const))('GIVEN a URL with user:password@ in %s WHEN validated, imported, mapped and linted THEN neither the user nor the password shows', (_name, site) => {
    fc.assert(
      fc.property(hexId, hostIdArb, (id, hostId) => {
        for (const u of urlValues(id, hostId)) {
          const value = LIST_SITES.has(site) ? [u.value] : u.value;
          const data = setAt(baseData(), site.steps, value, 'key');
          const props = setAt(baseProps(), site.steps, value, 'prop');
          const out = everything(data, props);
          const found = leaks(out, [...windows(id, 6), 'SECRET-MARKER', 'USERMARK']);
          if (found.length > 0) throw new Error(`${site.name} = ${u.label}:\n${found[0].slice(0, 2000)}`);
          // Controls: where a message shows the value, the host is still there and the credentials are redacted.
          if (URL_KEYS.includes(site.name) && u.label !== 'inside an entry') {
            const text = out.texts.get('validateConfig') ?? '';
            if (!text.includes(`h${hostId}.example.com`) || !text.includes('<redacted>@')) throw new Error(`${site.name} = ${u.label}: the message does not show the redacted URL:\n${text}`);
          }
        }
      }),
      { numRuns: 1 },
    );
  });
});

describe('credential entries, whatever the separator and spelling', () => {
  // Names as users write them: dashes, underscores, none, other case.
  const variants = (name: string): string[] => [name, name.replace(/-/g, '_'), name.replace(/-/g, ''), name.toUpperCase(), name.replace(/_/g, '-'), name.replace(/_/g, '')];
  const machineNames = ['amazonec2-secret-key', 'digitalocean-access-token', 'azure-client-secret', 'google-password', 'exoscale-api-key'].flatMap(variants);
  const envNames = ['AWS_SECRET_ACCESS_KEY', 'GITLAB_TOKEN', 'DB_PASSWORD', 'STRIPE_API_KEY', 'GCP_PRIVATE_KEY'].flatMap(variants);
  const separators = ['=', ' ', '\t', ':', ' = ', ' : ', '   '];

  interface EntryList {
    readonly label: string;
    readonly steps: readonly Step[];
    readonly names: readonly string[];
  }
  const lists: EntryList[] = [
    { label: 'runners[0].environment', steps: [...stepsTo('runners'), { key: 'environment', prop: 'environment', array: false }], names: envNames },
    { label: 'runners[0].docker.services[0].environment', steps: [...stepsTo('runners.docker.services'), { key: 'environment', prop: 'environment', array: false }], names: envNames },
    { label: 'runners[0].machine.MachineOptions', steps: [...stepsTo('runners.machine'), { key: 'MachineOptions', prop: 'machineOptions', array: false }], names: machineNames },
    { label: 'runners[0].machine.MachineOptionsWithName', steps: [...stepsTo('runners.machine'), { key: 'MachineOptionsWithName', prop: 'machineOptionsWithName', array: false }], names: machineNames },
  ];

  function machineData(): Obj {
    const data = baseData();
    (data.runners as Obj[])[0].executor = 'docker+machine';
    (data.runners as Obj[])[0].machine = { MachineDriver: 'amazonec2', MachineName: 'auto-%s' };
    return data;
  }

  test.each(lists.map((l) => [l.label, l] as const))('GIVEN credential entries in %s with any separator, as an inline table or nested WHEN checked THEN the value never shows and the name does', (_label, list) => {
    fc.assert(
      fc.property(hexId, fc.constantFrom(...list.names), fc.constantFrom(...separators), fc.constantFrom('', '--'), (id, name, sep, dashes) => {
        const m = `SECRET-MARKER-${id}`;
        const shapes: [string, unknown][] = [
          ['entry', [`${dashes}${name}${sep}${m}`]],
          ['entry after another', ['FOO=bar', `${dashes}${name}${sep}${m}`]],
          ['inline table', [{ [name]: m }]],
          ['inline table holding an entry', [{ opt: `${name}${sep}${m}` }]],
          ['nested array', [[`${name}${sep}${m}`]]],
        ];
        for (const [shape, value] of shapes) {
          const data = setAt(machineData(), list.steps, value, 'key');
          const out = everything(data, baseProps());
          const found = leaks(out, [...windows(id, 6), 'SECRET-MARKER']);
          if (found.length > 0) throw new Error(`${list.label} = ${shape} ${JSON.stringify(value)}:\n${found[0]}`);
          // Control: something was said about the entry, naming it (the name is not redacted).
          const text = out.texts.get('validateConfig') ?? '';
          if (!text.includes(name) || !text.includes('<redacted>')) throw new Error(`${list.label} = ${shape} ${JSON.stringify(value)}: no message names the entry:\n${text}`);
        }
      }),
      { numRuns: 12 },
    );
  });

  test('GIVEN credential entries in props (typed machineOptions, environment, rawToml) WHEN mapped and rendered THEN the value never shows', () => {
    fc.assert(
      fc.property(hexId, fc.constantFrom(...separators), (id, sep) => {
        const m = `SECRET-MARKER-${id}`;
        const base = { ...(baseProps().runners as Obj[])[0], executor: 'docker+machine' };
        const strings = { ...base, name: 'strings', environment: [`AWS_SECRET_ACCESS_KEY${sep}${m}`], machine: { machineDriver: 'amazonec2', machineName: 'auto-%s', machineOptions: [`amazonec2-secret-key${sep}${m}`] } };
        const tables = { ...base, name: 'tables', environment: [{ GITLAB_TOKEN: m }], machine: { machineDriver: 'amazonec2', machineName: 'auto-%s', machineOptions: [{ 'amazonec2-secret-key': m }] }, rawToml: { kubernetes: { 'bearer-token': m } } };
        for (const runner of [strings, tables]) {
          const props = { concurrent: 2, runners: [runner] };
          const config = new RunnerConfig(props as never);
          const texts = [...messages(config.diagnostics()), ...messages(propsToData(props, { scrub: false }).diagnostics), ...errorText(() => config.render()), ...errorText(() => config.renderRedacted())].join('\n');
          for (const f of [...windows(id, 6), 'SECRET-MARKER']) if (texts.includes(f)) throw new Error(`${runner.name} ${JSON.stringify(sep)} shows ${JSON.stringify(f)}:\n${texts}`);
          // Controls: the entries were reported, by name.
          for (const name of runner === strings ? ['AWS_SECRET_ACCESS_KEY', 'amazonec2-secret-key'] : ['GITLAB_TOKEN', 'amazonec2-secret-key']) {
            if (!texts.includes(name)) throw new Error(`${runner.name} ${JSON.stringify(sep)}: no message names ${name}:\n${texts}`);
          }
        }
      }),
      { numRuns: 5 },
    );
  });
});

describe('exact messages: URL credentials and credential entries are redacted, the rest is shown', () => {
  const runnerLint = (body: string): string[] => messages(validateConfig(parse(`concurrent = 1\n[[runners]]\n  name = "r0"\n  token = "${TOKEN}"\n  executor = "shell"\n${body}\n`, { integersAsBigInt: true }) as TomlTable));

  test('GIVEN url with user:password@ WHEN validated THEN the message keeps scheme, host and path and redacts the userinfo', () => {
    expect(runnerLint('  url = "https://ci-bot:glpat-ZQXrealpat123456@gitlab.example.com/gitlab"')).toEqual([
      'error: runners[0].url: got "https://<redacted>@gitlab.example.com/gitlab", expected http(s)://host[:port][/path]; it contains credentials (user:password@). Fix: write "https://gitlab.example.com/gitlab".',
    ]);
  });

  test('GIVEN clone_url with a token as the user WHEN validated THEN the token does not show', () => {
    expect(runnerLint('  url = "https://gitlab.example.com"\n  clone_url = "https://glpat-ZQXclone12345@git.example.com:8443"')).toEqual([
      'error: runners[0].clone_url: got "https://<redacted>@git.example.com:8443", expected http(s)://host[:port][/path]; it contains credentials (user:password@). Fix: write "https://git.example.com:8443".',
    ]);
  });

  test('GIVEN url with credentials in props WHEN mapped THEN the thrown error shows the redacted URL', () => {
    const config = new RunnerConfig({ runners: [{ name: 'a', url: 'https://oauth2:ZQXurlpw1234@gitlab.com', token: TOKEN, executor: 'shell' }] } as never);
    expect(() => config.render()).toThrow('runners[0].url: got "https://<redacted>@gitlab.com", expected http(s)://host[:port][/path]; it contains credentials (user:password@). Fix: write "https://gitlab.com".');
  });

  test('GIVEN a secret-named environment variable separated by a space WHEN validated THEN the name shows, the value does not, and the fix uses =', () => {
    expect(runnerLint('  url = "https://gitlab.example.com"\n  environment = ["AWS_SECRET_ACCESS_KEY ZQXawsspace"]')).toEqual([
      expect.stringMatching(/^warning: runners\[0\]\.environment\[0\]: is "AWS_SECRET_ACCESS_KEY=<redacted>", a literal credential: /),
      'error: runners[0].environment[0]: got "AWS_SECRET_ACCESS_KEY <redacted>", expected NAME=value (a variable name, "=", then the value). Fix: write "AWS_SECRET_ACCESS_KEY=<redacted>".',
    ]);
  });

  test('GIVEN a non-secret environment variable separated by a space WHEN validated THEN value and fix are shown in full (control)', () => {
    expect(runnerLint('  url = "https://gitlab.example.com"\n  environment = ["DOCKER_DRIVER overlay2", "just text"]')).toEqual([
      'error: runners[0].environment[0]: got "DOCKER_DRIVER overlay2", expected NAME=value (a variable name, "=", then the value). Fix: write "DOCKER_DRIVER=overlay2".',
      'error: runners[0].environment[1]: got "just text", expected NAME=value (a variable name, "=", then the value). Fix: write NAME=value.',
    ]);
  });

  test('GIVEN a literal credential in environment WHEN validated THEN the warning names it and says how to pass it instead', () => {
    expect(runnerLint('  url = "https://gitlab.example.com"\n  environment = ["GITLAB_TOKEN=ZQXliteral1234", "FOO=bar"]')).toEqual([
      'warning: runners[0].environment[0]: is "GITLAB_TOKEN=<redacted>", a literal credential: it is written in plain text into config.toml (and, when set through the constructs, into cdktf.out and the Terraform state), and every job of this runner gets it in its environment. ' +
        'Fix: pass the value as a deploy-time reference, e.g. `GITLAB_TOKEN=${new TerraformVariable(this, "gitlab_token", { type: "string", sensitive: true }).stringValue}`, or define it as a masked CI/CD variable in GitLab instead.',
    ]);
  });

  test('GIVEN a credential in environment that is a deploy-time reference WHEN validated THEN there is no warning', () => {
    const secret = Token.asString({ resolve: () => 'x' });
    const config = new RunnerConfig({ concurrent: 1, runners: [{ name: 'a', url: 'https://gitlab.com', token: TOKEN, executor: 'shell', environment: [`GITLAB_TOKEN=${secret}`] }] } as never);
    expect(config.diagnostics()).toEqual([]);
  });

  test('GIVEN a literal credential in a docker service environment WHEN validated THEN it gets the same warning', () => {
    const out = runnerLint('  url = "https://gitlab.example.com"\n  [runners.docker]\n    image = "alpine"\n  [[runners.docker.services]]\n    name = "postgres"\n    environment = ["POSTGRES_PASSWORD=ZQXpg12345"]');
    expect(out.filter((l) => l.includes('services'))).toEqual([expect.stringMatching(/^warning: runners\[0\]\.docker\.services\[0\]\.environment\[0\]: is "POSTGRES_PASSWORD=<redacted>", a literal credential: /)]);
  });

  const machine = (options: string): string[] =>
    runnerLint(`  url = "https://gitlab.example.com"\n  [runners.machine]\n    MachineDriver = "amazonec2"\n    MachineName = "auto-%s"\n    MachineOptions = ${options}`).filter((l) => l.includes('MachineOptions'));
  const F11 = `a credential on docker-machine's command line: the runner passes MachineOptions as arguments, so any user of the bastion can read it in the process list. Fix: give the bastion a cloud identity instead (e.g. an IAM instance profile), or set the driver's environment variable (e.g. AWS_SECRET_ACCESS_KEY) for the runner service.`;

  test('GIVEN a MachineOptions credential separated by a space WHEN validated THEN the name shows, the value does not', () => {
    expect(machine('["amazonec2-secret-key ZQXspacesecret"]')).toEqual([
      `warning: runners[0].machine.MachineOptions[0]: is "amazonec2-secret-key=<redacted>", ${F11}`,
      'error: runners[0].machine.MachineOptions[0]: got "amazonec2-secret-key <redacted>", expected key=value or flag (without leading dashes); the option name contains whitespace. Fix: write it as key=value, e.g. "amazonec2-region=eu-central-1".',
    ]);
  });

  test('GIVEN a MachineOptions credential with underscores WHEN validated THEN it is a credential too', () => {
    expect(machine('["amazonec2_secret_key=ZQXunderscore1"]')).toEqual([`warning: runners[0].machine.MachineOptions[0]: is "amazonec2_secret_key=<redacted>", ${F11}`]);
  });

  test('GIVEN a MachineOptions entry written as a table with a hyphenated secret key WHEN validated THEN the key shows, the value does not', () => {
    expect(machine('[{ "amazonec2-secret-key" = "ZQXtable" }]')).toEqual([
      'error: runners[0].machine.MachineOptions[0]: got {"amazonec2-secret-key":"<redacted>"}, expected a string. Fix: write a quoted string.',
    ]);
  });

  test('GIVEN a non-credential MachineOptions table WHEN validated THEN its value is shown (control)', () => {
    expect(machine('[{ "amazonec2-region" = "eu-central-1" }]')).toEqual([
      'error: runners[0].machine.MachineOptions[0]: got {"amazonec2-region":"eu-central-1"}, expected a string. Fix: write a quoted string.',
    ]);
  });
});

describe('renderRedacted: credential entries and URL credentials', () => {
  const runner = (extra: Obj): Obj => ({ name: 'a', url: 'https://gitlab.example.com', token: TOKEN, executor: 'docker+machine', docker: { image: 'alpine' }, machine: { machineDriver: 'amazonec2', machineName: 'auto-%s', machineOptions: ['amazonec2-secret-key=ZQXmo12345', 'amazonec2-region=eu-central-1'] }, ...extra });

  test('GIVEN literal credentials in environment, MachineOptions and a proxy URL WHEN rendered redacted THEN only their secret parts are [REDACTED]', () => {
    const config = new RunnerConfig({ concurrent: 2, runners: [runner({ environment: ['AWS_SECRET_ACCESS_KEY=ZQXenv12345', 'HTTP_PROXY=http://proxyuser:ZQXproxy123@proxy.example.com:3128', 'DOCKER_DRIVER=overlay2'] })] } as never);
    const redacted = config.renderRedacted();
    expect(redacted).not.toContain('ZQX');
    expect(redacted).not.toContain('proxyuser');
    // (a long array is written one element per line)
    expect(redacted).toContain('  environment = [\n    "AWS_SECRET_ACCESS_KEY=[REDACTED]",\n    "HTTP_PROXY=http://[REDACTED]@proxy.example.com:3128",\n    "DOCKER_DRIVER=overlay2",\n  ]');
    expect(redacted).toContain('MachineOptions = ["amazonec2-secret-key=[REDACTED]", "amazonec2-region=eu-central-1"]');
    expect(redacted).toContain('token = "[REDACTED]"');
    // render() itself writes what was given (the config must work), and secrets() is unchanged.
    const full = config.render();
    expect(full).toContain('"AWS_SECRET_ACCESS_KEY=ZQXenv12345"');
    expect(full).toContain('"amazonec2-secret-key=ZQXmo12345"');
    expect(full).toContain('"HTTP_PROXY=http://proxyuser:ZQXproxy123@proxy.example.com:3128"');
    expect(config.secrets().map((s) => s.path)).toEqual(['runners[0].token']);
  });

  test('GIVEN a credential in a docker service environment and a raw hyphenated secret key WHEN rendered redacted THEN both are [REDACTED]', () => {
    const config = new RunnerConfig({
      concurrent: 2,
      runners: [runner({ executor: 'docker', machine: undefined, docker: { image: 'alpine', services: [{ name: 'postgres', environment: ['POSTGRES_PASSWORD=ZQXpg12345', 'POSTGRES_DB=ci'] }] }, rawToml: { kubernetes: { 'bearer-token': 'ZQXbearer1234', 'api-key': 'ZQXapikey1234' } } })],
    } as never);
    const redacted = config.renderRedacted();
    expect(redacted).not.toContain('ZQX');
    expect(redacted).toContain('environment = ["POSTGRES_PASSWORD=[REDACTED]", "POSTGRES_DB=ci"]');
    expect(config.secrets().map((s) => s.path)).toEqual(['runners[0].token', 'runners[0].kubernetes.api-key', 'runners[0].kubernetes.bearer-token']);
  });
});

describe('the CLI as a child process', () => {
  // The in-process runs above use main(); this is the real bin on real files, for the three
  // field reports: a token typed as a number, a secret key typed as an array, a token with a space.
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const BIN = path.resolve(__dirname, '..', '..', 'bin', 'cdktf-gitlab-runner');
  const cases: [string, string, string][] = [
    ['token = 98765432109876543210', '98765432109876543210', 'an integer of 20 digits'],
    ['token = 8765432109876543210', '8765432109876543210', 'an integer of 19 digits'],
    ['token = "glrt-abcMARKERdef ghi"', 'MARKER', '"glrt-<redacted>"'],
    ['[runners.cache]\n  Type = "s3"\n  [runners.cache.s3]\n    BucketName = "b"\n    SecretKey = ["SECRET-MARKER-cli"]', 'MARKER', 'an array of 1 string'],
  ];
  test.each(cases)('GIVEN %s WHEN linted and formatted THEN stdout and stderr do not show it', (body, fragment, shown) => {
    const text = `concurrent = 1\n[[runners]]\n  name = "a"\n  url = "https://gitlab.example.com"\n  executor = "shell"\n  ${body.startsWith('token') ? body : `token = "${TOKEN}"\n  ${body}`}\n`;
    parse(text, { integersAsBigInt: true }); // the fixture is valid TOML
    const file = path.join(dir, 'cli.toml');
    fs.writeFileSync(file, text);
    for (const command of ['lint', 'fmt']) {
      const r = spawnSync(BIN, [command, file], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(fragment);
      expect(r.stdout + r.stderr).toContain(shown);
    }
  });
});

describe('controls: the search finds values where messages do show them', () => {
  test('GIVEN the same bad values on non-secret keys WHEN checked THEN the marker shows (non-secret messages are unchanged)', () => {
    fc.assert(
      fc.property(hexId, digits, (id, d) => {
        const m = `SECRET-MARKER-${id}`;
        // A string where an enum is expected (executor), a number where a string is expected (shell).
        const data = baseData();
        (data.runners as Obj[])[0].executor = m;
        (data.runners as Obj[])[0].shell = BigInt(d);
        const out = everything(data, baseProps());
        expect(out.texts.get('validateConfig')).toContain(m);
        expect(out.texts.get('cli lint')).toContain(m);
        expect(out.texts.get('validateConfig')).toContain(`got ${d}, expected a string. Fix: write "${d}" in quotes.`);
      }),
      { numRuns: 5 },
    );
  });

  test('GIVEN a secret key typed as a number WHEN checked THEN the message keeps what helps: the type and size, and the fix', () => {
    const data = baseData();
    (data.runners as Obj[])[0].token = 12345678901234567890n;
    expect(messages(validateConfig(data as TomlTable))).toContain(
      'error: runners[0].token: got an integer of 20 digits, expected a string. Fix: write the value in quotes.',
    );
  });
});
