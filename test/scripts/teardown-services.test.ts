/**
 * Destroy-time removal of the registry mirror / cache server containers, run for real with a
 * stub docker: alone on a support-services host (teardown-services) and as part of a
 * manager's teardown when they run on its bastion.
 */
import * as fs from 'fs';
import * as path from 'path';
import { makeRoot, Root, runStep } from './helpers';

jest.setTimeout(30_000);

let root: Root;
beforeEach(() => {
  root = makeRoot({ stubs: ['systemctl', 'useradd', 'id', 'docker'] });
});
afterEach(() => root.cleanup());

const containers = () => fs.readdirSync(path.join(root.stub, 'containers')).sort();
const docker = () => fs.readFileSync(path.join(root.stub, 'docker.log'), 'utf8').trim().split('\n');

async function startServices(): Promise<void> {
  root.writeSecret('cache-access-key', 'ACCESSKEYPLACEHOLDER');
  root.writeSecret('cache-secret-key', 'SECRETKEYPLACEHOLDER0000');
  expect((await runStep('install-registry-mirror', root.env)).code).toBe(0);
  const cache = await runStep('install-cache-server', root.env, { GLR_CACHE_DATA_DIR: path.join(root.dir, 'export'), GLR_CACHE_CONFIG_DIR: path.join(root.dir, 'minio') });
  expect(cache.code).toBe(0);
  expect(containers()).toEqual(['minio', 'registry']);
}

describe('teardown-services', () => {
  test('removes the containers this library started and its state (credential file included); the cache data stays', async () => {
    await startServices();
    fs.writeFileSync(path.join(root.dir, 'export', 'runner', 'cached.zip'), 'cache entry');
    const r = await runStep('teardown-services', root.env, { GLR_SERVICE_CONTAINERS: 'registry minio' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(containers()).toEqual([]);
    expect(docker()).toEqual(expect.arrayContaining(['rm -f registry', 'rm -f minio']));
    expect(fs.existsSync(root.env.GLR_STATE_DIR!)).toBe(false);
    expect(fs.readFileSync(path.join(root.dir, 'export', 'runner', 'cached.zip'), 'utf8')).toBe('cache entry');
    // again: nothing left to do, still success (a retried destroy)
    const again = await runStep('teardown-services', root.env, { GLR_SERVICE_CONTAINERS: 'registry minio' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('container registry not present');
  });

  test('a container of the same name that this library did not start is left alone, with a warning', async () => {
    fs.mkdirSync(path.join(root.stub, 'containers'), { recursive: true });
    fs.writeFileSync(path.join(root.stub, 'containers', 'registry'), '\n'); // no config label
    const r = await runStep('teardown-services', root.env, { GLR_SERVICE_CONTAINERS: 'registry' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('container registry was not started by cdktf-gitlab-runner (no config label); left alone.');
    expect(containers()).toEqual(['registry']);
    expect(docker()).not.toContain('rm -f registry');
  });

  test('no container list is a clear error', async () => {
    const r = await runStep('teardown-services', root.env, { GLR_SERVICE_CONTAINERS: '' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('GLR_SERVICE_CONTAINERS is required but empty');
  });

  test('a manager teardown with GLR_SERVICE_CONTAINERS removes them too; without it they stay', async () => {
    await startServices();
    const base = { GLR_SERVICE_NAME: 'gitlab-runner', GLR_MACHINE_PREFIX: 'mgr1-' };
    const keep = await runStep('teardown', root.env, base);
    expect(keep.code).toBe(0);
    expect(containers()).toEqual(['minio', 'registry']);
    const r = await runStep('teardown', root.env, { ...base, GLR_SERVICE_CONTAINERS: 'registry minio' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(containers()).toEqual([]);
  });
});
