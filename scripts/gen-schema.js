#!/usr/bin/env node
/*
 * Generates lib/private/config/schema.generated.ts (the key table the model, validator and
 * renderer share) and lib/config/props.generated.ts (the typed props users write) from
 * GitLab Runner's key reference (shared/reference/gitlab-runner-config-keys.json).
 *
 *   node scripts/gen-schema.js [path/to/gitlab-runner-config-keys.json]
 *
 * The output is committed; test/config/schema-generated.test.ts checks it is current.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
/** --check: compare with the committed files instead of writing them (exit 1 when stale). */
const check = args.includes('--check');
const input = args.filter((a) => a !== '--check')[0] ?? path.resolve(root, '../shared/reference/gitlab-runner-config-keys.json');
const outputs = [];
function emit(rel, text) {
  const file = path.join(root, rel);
  if (!check) {
    fs.writeFileSync(file, text);
    return;
  }
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== text) outputs.push(rel);
}

/** Keys whose values are secrets: redacted in previews, never embedded in synthesized output. */
const SECRET_KEYS = new Set([
  'runners.token',
  'runners.cache.s3.AccessKey',
  'runners.cache.s3.SecretKey',
  'runners.cache.s3.SessionToken',
  'runners.cache.gcs.PrivateKey',
  'runners.cache.azure.AccountKey',
  'runners.ssh.password',
  'runners.autoscaler.connector_config.password',
  'runners.autoscaler.vm_isolation.connector_config.password',
]);

const UNIT_SUFFIX = { seconds: 'Seconds', bytes: 'Bytes', kilobytes: 'Kilobytes' };

function mapType(t) {
  if (t === 'string') return 'string';
  if (t === 'integer') return 'integer';
  if (t === 'float') return 'float';
  if (t === 'bool') return 'bool';
  if (t.startsWith('string (Go duration')) return 'duration';
  if (t.startsWith('offset datetime')) return 'datetime';
  if (t === 'array of strings') return 'string[]';
  if (t === 'array of floats') return 'float[]';
  if (t === 'string | array of strings') return 'string|string[]';
  if (t === 'table (string -> string)') return 'map<string>';
  if (t === 'table (string -> bool)') return 'map<bool>';
  if (t === 'table (string -> array of strings)') return 'map<string[]>';
  if (t.startsWith('table (free-form')) return 'free';
  if (t === 'table') return 'table';
  if (t === 'array of tables') return 'table[]';
  throw new Error(`unknown tomlType ${t}`);
}

function camel(key) {
  const parts = key.split(/[_\-]/).filter(Boolean);
  const joined = parts.map((p, i) => (i === 0 ? p : p[0].toUpperCase() + p.slice(1))).join('');
  return joined[0].toLowerCase() + joined.slice(1);
}

function propName(k) {
  let name = camel(k.key);
  const suffix = k.unit ? UNIT_SUFFIX[k.unit] : undefined;
  if (k.unit && !suffix) throw new Error(`no suffix for unit ${k.unit}`);
  if (suffix && !name.endsWith(suffix)) name += suffix;
  return name;
}

function pascal(section) {
  if (section === '(root)') return 'RunnerConfig';
  // [[runners]] entries are "Runner" (RunnerProps, RunnerDockerProps, RunnerMachineAutoscalingProps).
  const name = section.split(/[._]/).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return name.replace(/^Runners/, 'Runner');
}

function docUrl(section) {
  const base = 'https://docs.gitlab.com/runner/configuration/advanced-configuration/';
  if (section === '(root)') return `${base}#the-global-section`;
  return `${base}#the-${section.replace(/[._]/g, '')}-section`;
}

const data = JSON.parse(fs.readFileSync(input, 'utf8'));
const sectionNames = new Set(data.sections.map((s) => s.section));

/**
 * Struct order, as the runner writes the file: BurntSushi/toml encodes an embedded struct's
 * fields where the struct is embedded. DockerConfig embeds docker.Credentials (host,
 * tls_cert_path, tls_verify) as its first field, so `register` writes `tls_verify` first in
 * [runners.docker]; the reference lists those keys last.
 */
function structOrder(section, keys) {
  if (section !== 'runners.docker') return keys;
  const embedded = keys.filter((k) => (k.goField ?? '').startsWith('Credentials.'));
  return [...embedded, ...keys.filter((k) => !embedded.includes(k))];
}

const sections = data.sections.map((s) => {
  const name = s.section === '(root)' ? '' : s.section;
  const keys = structOrder(s.section, s.keys).map((k) => {
    const type = mapType(k.tomlType);
    const full = name ? `${name}.${k.key}` : k.key;
    const spec = { key: k.key, prop: propName(k), type };
    if (type === 'table' || type === 'table[]') {
      spec.section = sectionNames.has(full) ? full : undefined;
      if (!spec.section) {
        // e.g. runners.kubernetes: a section we do not enumerate. It is a known key (so it is not
        // "unknown"), but it has no typed prop: users set it through the rawToml escape hatch.
        spec.type = 'free';
        spec.rawOnly = true;
      }
    }
    if (k.enum) spec.enum = k.enum;
    if (k.default !== undefined && k.default !== null) spec.default = k.default;
    if (k.unit) spec.unit = k.unit;
    if (k.required) spec.required = true;
    if (k.removed) spec.removed = k.removed;
    if (k.deprecated) spec.deprecated = true;
    if (k.replacedBy) spec.replacedBy = k.replacedBy;
    if (k.since) spec.since = k.since;
    if (k.registerFlag) spec.registerFlag = k.registerFlag;
    if (SECRET_KEYS.has(full)) spec.secret = true;
    spec.doc = k.meaning + (k.defaultNote ? ` ${k.defaultNote}` : '');
    return spec;
  });
  return {
    name,
    form: s.section === '(root)' ? 'root' : s.tomlForm.startsWith('[[') ? 'array' : 'table',
    typeName: pascal(s.section),
    docUrl: docUrl(s.section),
    freeForm: keys.length === 0 ? true : undefined,
    keys,
  };
});

for (const r of data.removedOrRenamedKeys) void r; // kept in REMOVED_KEYS below

const removed = [
  // keys the runner no longer reads; see reference removedOrRenamedKeys
  { section: 'runners', key: 'pre_clone_script', replacedBy: 'pre_get_sources_script', removed: '17.0' },
  { section: 'runners', key: 'post_clone_script', replacedBy: 'post_get_sources_script', removed: '17.0' },
  ...['ServerAddress', 'AccessKey', 'SecretKey', 'BucketName', 'BucketLocation', 'Insecure'].map((key) => ({
    section: 'runners.cache', key, replacedBy: `[runners.cache.s3] ${key}`, removed: '12.0',
  })),
  { section: '', key: 'metrics_server', replacedBy: 'listen_address', removed: '12.0' },
];

const header = `// GENERATED by scripts/gen-schema.js from gitlab-runner-config-keys.json
// (gitlab-runner ${data.source.commit.slice(0, 9)}, ${data.source.commitDate}). Do not edit by hand.
`;

const schemaTs = `${header}
import type { SectionSpec, RemovedKeySpec } from './schema-types';

/** Every section of config.toml that GitLab Runner's Config struct defines, keys in struct order. */
export const SECTIONS: readonly SectionSpec[] = ${JSON.stringify(sections.map((s) => JSON.parse(JSON.stringify(s))), null, 2)};

/** Keys the runner no longer reads (not in the struct any more), with what replaced them. */
export const REMOVED_KEYS: readonly RemovedKeySpec[] = ${JSON.stringify(removed, null, 2)};
`;
emit('lib/private/config/schema.generated.ts', schemaTs);

// ---- props interfaces ----
function tsType(spec) {
  switch (spec.type) {
    case 'string': case 'duration': case 'datetime': return 'string';
    case 'integer': case 'float': return 'number';
    case 'bool': return 'boolean';
    case 'string[]': return 'string[]';
    case 'float[]': return 'number[]';
    case 'string|string[]': return 'string | string[]';
    case 'map<string>': return '{ readonly [key: string]: string }';
    case 'map<bool>': return '{ readonly [key: string]: boolean }';
    case 'map<string[]>': return '{ readonly [key: string]: string[] }';
    case 'free': return '{ readonly [key: string]: TomlValue }';
    case 'table': return `${pascal(spec.section)}Props`;
    case 'table[]': return `${pascal(spec.section)}Props[]`;
    default: throw new Error(spec.type);
  }
}
function docComment(spec, section, indent) {
  const lines = [];
  lines.push(spec.doc);
  lines.push('');
  lines.push(`TOML key: \`${spec.key}\`${spec.type === 'duration' ? ' (Go duration string, e.g. "1h30m")' : ''}${spec.type === 'float' ? ' (written as a TOML float)' : ''}${spec.unit ? ` (${spec.unit})` : ''}.`);
  if (spec.enum) lines.push(`Allowed: ${spec.enum.map((e) => `\`${e}\``).join(', ')}.`);
  if (spec.secret) lines.push('Secret: pass a sensitive Terraform variable or reference; it is redacted in previews.');
  if (spec.removed) lines.push(`@deprecated removed in GitLab Runner ${spec.removed}; use ${spec.replacedBy}.`);
  else if (spec.deprecated) lines.push(`@deprecated use ${spec.replacedBy ?? 'its replacement'}.`);
  if (spec.since) lines.push(`Since GitLab Runner ${spec.since}.`);
  lines.push(`@default ${spec.default !== undefined ? `${JSON.stringify(spec.default)} (runner default; not written unless set)` : '- not written (runner default applies)'}`);
  lines.push(`@see ${section.docUrl}`);
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */`;
}

/** The escape hatch on the global section and on each [[runners]] entry. */
function rawTomlDoc(s) {
  const where = s.form === 'root' ? 'the global section' : 'this `[[runners]]` entry';
  const rawOnly = s.keys.filter((k) => k.rawOnly).map((k) => `\`${k.key}\``);
  const example = s.form === 'root'
    ? '{ some_new_key: "value" }'
    : '{ kubernetes: { namespace: "ci", poll_timeout: 180 } }';
  const lines = [
    `Escape hatch: raw TOML keys merged into ${where}, for sections and keys that have no typed`,
    'property here' + (rawOnly.length ? ` (${rawOnly.join(', ')} and keys newer than this library).` : ' (keys newer than this library).'),
    'Keys are in TOML spelling; nested tables merge into the typed sections (`{ docker: { new_key: 1 } }`).',
    'A key that a typed property also sets is an error naming both (never a silent override), and',
    'every raw key is validated like the typed ones (unknown keys get a "did you mean").',
    'JS numbers with a whole value are written as TOML integers, others as floats; bigints as integers.',
    '',
    `Example: \`rawToml: ${example}\``,
    '@default - no raw keys',
    `@see ${s.docUrl}`,
  ];
  return `  /**\n${lines.map((l) => `   *${l ? ` ${l}` : ''}`).join('\n')}\n   */\n  readonly rawToml?: { readonly [key: string]: TomlValue };\n\n`;
}

let props = `${header}
/* eslint-disable max-len */
import type { TomlValue } from '../private/config/schema-types';

`;
for (const s of sections) {
  const iname = `${s.typeName}Props`;
  props += `/**\n * ${s.name ? `\`${s.form === 'array' ? `[[${s.name}]]` : `[${s.name}]`}\`` : 'Global section'} of config.toml.\n * @see ${s.docUrl}\n */\n`;
  props += `export interface ${iname} {\n`;
  for (const k of s.keys) {
    if (k.removed) continue; // removed keys are not typed props; the validator rejects them in raw input
    if (k.rawOnly) continue; // not enumerated: set through rawToml
    props += `${docComment(k, s, '  ')}\n  readonly ${k.prop}?: ${tsType(k)};\n\n`;
  }
  if (s.form === 'root' || s.name === 'runners') props += rawTomlDoc(s);
  if (s.freeForm) props += '  readonly [key: string]: TomlValue;\n';
  props += `}\n\n`;
}
emit('lib/config/props.generated.ts', props.trimEnd() + '\n');
if (check) {
  if (outputs.length > 0) {
    console.error(`stale generated files: ${outputs.join(', ')}. Fix: run node scripts/gen-schema.js`);
    process.exit(1);
  }
  console.log('generated files are current');
} else {
  console.log(`generated ${sections.length} sections, ${sections.reduce((n, s) => n + s.keys.length, 0)} keys`);
}
