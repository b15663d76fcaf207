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

const records = () => {
  const dir = path.join(root.env.GLR_STATE_DIR!, 'containers');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};
const prepare = (containers: string) => runStep('prepare', root.env, { GLR_STAGE_DIR: path.join(root.env.GLR_STATE_DIR!, 'stage'), GLR_UPLOAD_USER: 'root', GLR_SERVICE_CONTAINERS: containers });

describe('teardown-services', () => {
  test('removes the containers this library started (as recorded on the host) and its state (credential file included); the cache data stays', async () => {
    await startServices();
    expect(records()).toEqual(['minio', 'registry']);
    fs.writeFileSync(path.join(root.dir, 'export', 'runner', 'cached.zip'), 'cache entry');
    const r = await runStep('teardown-services', root.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(containers()).toEqual([]);
    expect(docker()).toEqual(expect.arrayContaining(['rm -f registry', 'rm -f minio']));
    expect(fs.existsSync(root.env.GLR_STATE_DIR!)).toBe(false);
    expect(fs.readFileSync(path.join(root.dir, 'export', 'runner', 'cached.zip'), 'utf8')).toBe('cache entry');
    // again: nothing left to do, still success (a retried destroy)
    const again = await runStep('teardown-services', root.env);
    expect(again.code).toBe(0);
  });

  test('a container of a recorded name that this library did not start (replaced by someone) is left alone, with a warning', async () => {
    await startServices();
    fs.writeFileSync(path.join(root.stub, 'containers', 'registry'), '\n'); // someone else's, no config label
    const r = await runStep('teardown-services', root.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('container registry was not started by cdktf-gitlab-runner (no config label); left alone.');
    expect(containers()).toEqual(['registry']);
    expect(docker()).not.toContain('rm -f registry');
    expect(docker()).toContain('rm -f minio');
  });

  test('a container that cannot be removed fails the teardown, names it, and keeps the state for a retry', async () => {
    await startServices();
    const r = await runStep('teardown-services', root.env, { STUB_DOCKER_RM_FAIL: 'minio' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('could not remove container minio');
    expect(r.stderr).toContain('teardown incomplete, state kept for a retry');
    expect(containers()).toEqual(['minio']);
    expect(records()).toEqual(['minio']);
    // the retry, once Docker cooperates, finishes the job
    const retry = await runStep('teardown-services', root.env);
    expect(retry.code).toBe(0);
    expect(containers()).toEqual([]);
    expect(fs.existsSync(root.env.GLR_STATE_DIR!)).toBe(false);
  });
});

describe('services dropped from the props (prepare) and a manager teardown', () => {
  test('prepare removes the recorded containers that are no longer configured and keeps the others', async () => {
    await startServices();
    const keepBoth = await prepare('registry minio');
    expect(keepBoth.code).toBe(0);
    expect(containers()).toEqual(['minio', 'registry']);
    const dropCache = await prepare('registry');
    expect(dropCache.stderr).toBe('');
    expect(dropCache.code).toBe(0);
    expect(dropCache.stdout).toContain('removing containers no longer configured: minio');
    expect(containers()).toEqual(['registry']);
    expect(records()).toEqual(['registry']);
    const none = await prepare('');
    expect(none.code).toBe(0);
    expect(containers()).toEqual([]);
    expect(records()).toEqual([]);
  });

  test('prepare on a host where the library never started a container does not call docker', async () => {
    const r = await prepare('');
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(root.stub, 'docker.log'))).toBe(false);
  });

  test('a manager teardown removes the containers the library started on its bastion; a container it never started stays', async () => {
    await startServices();
    fs.writeFileSync(path.join(root.stub, 'containers', 'other'), 'their-label\n'); // not recorded by us
    const r = await runStep('teardown', root.env, { GLR_SERVICE_NAME: 'gitlab-runner', GLR_MACHINE_PREFIX: 'mgr1-' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(containers()).toEqual(['other']);
  });
});
