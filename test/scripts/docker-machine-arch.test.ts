import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildStepScript } from '../../lib/private/scripts/step-script';

test('install-docker-machine refuses a binary built for another CPU, before downloading anything', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-dm-arch-'));
  try {
    const script = path.join(dir, 'step.sh');
    fs.writeFileSync(script, buildStepScript('install-docker-machine', {
      GLR_DM_URL: 'http://127.0.0.1:9/v0.16.2-gitlab.48/docker-machine-Linux-x86_64',
      GLR_DM_SHA256: 'a'.repeat(64),
      GLR_BIN_DIR: path.join(dir, 'bin'),
      GLR_STATE_DIR: dir,
    }));
    const r = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, GLR_MACHINE_ARCH: 'aarch64' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('docker-machine-Linux-x86_64 is built for x86_64, but this host is aarch64. Fix: set dockerMachine.url to the docker-machine-Linux-aarch64 binary (and its sha256).');
    expect(fs.existsSync(path.join(dir, 'bin', 'docker-machine'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
