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
