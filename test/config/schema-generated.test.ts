/**
 * The committed generated files are what scripts/gen-schema.js produces from the key reference.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SECTIONS } from '../../lib/private/config/schema.generated';

const ROOT = path.resolve(__dirname, '..', '..');
const REFERENCE = path.resolve(ROOT, '..', 'shared', 'reference', 'gitlab-runner-config-keys.json');

(fs.existsSync(REFERENCE) ? test : test.skip)('generated schema and props are current (node scripts/gen-schema.js --check)', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-schema.js'), '--check', REFERENCE], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('every enumerated section of the issue is in the schema', () => {
  const names = SECTIONS.map((s) => s.name);
  for (const name of [
    '',
    'session_server',
    'machine.shutdown_drain',
    'runners',
    'runners.docker',
    'runners.docker.services',
    'runners.cache',
    'runners.cache.s3',
    'runners.cache.gcs',
    'runners.cache.azure',
    'runners.machine',
    'runners.machine.autoscaling',
    'runners.autoscaler',
    'runners.autoscaler.plugin_config',
    'runners.autoscaler.connector_config',
    'runners.autoscaler.policy',
    'runners.custom_build_dir',
  ]) {
    expect(names).toContain(name);
  }
});

test('secret keys are flagged', () => {
  const secret = SECTIONS.flatMap((s) => s.keys.filter((k) => k.secret).map((k) => `${s.name}.${k.key}`));
  expect(secret).toEqual(
    expect.arrayContaining(['runners.token', 'runners.cache.s3.AccessKey', 'runners.cache.s3.SecretKey', 'runners.cache.s3.SessionToken', 'runners.cache.gcs.PrivateKey', 'runners.cache.azure.AccountKey']),
  );
});

test('every optional prop has a doc comment with @default and a docs link', () => {
  const text = fs.readFileSync(path.join(ROOT, 'lib', 'config', 'props.generated.ts'), 'utf8');
  const props = [...text.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*\n\s*readonly (\w+)\?:/g)];
  expect(props.length).toBeGreaterThan(300);
  const missing = props.filter(([, doc]) => !/@default /.test(doc) || !/@see https:\/\/docs\.gitlab\.com\/runner\//.test(doc)).map(([, , name]) => name);
  expect(missing).toEqual([]);
  // and no prop without a doc comment at all
  const all = [...text.matchAll(/readonly (\w+)\?:/g)].length;
  expect(props.length).toBe(all);
});

test('props carry units in their names', () => {
  const units = SECTIONS.flatMap((s) => s.keys.filter((k) => k.unit && !k.removed).map((k) => k.prop));
  for (const prop of units) expect(prop).toMatch(/(Seconds|Bytes|Kilobytes)$/);
  expect(units).toEqual(expect.arrayContaining(['idleTimeSeconds', 'outputLimitKilobytes', 'shmSizeBytes', 'checkIntervalSeconds']));
});
