/**
 * Every host script and bash stand-in is shellcheck-clean (warnings and infos included).
 * CI installs shellcheck; without it the test is skipped with a clear message.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HOST_SCRIPTS, REPO, STANDINS } from './helpers';

const available = spawnSync('shellcheck', ['--version']).status === 0;
const files = [
  ...fs.readdirSync(HOST_SCRIPTS).filter((f) => f.endsWith('.sh')).map((f) => path.join(HOST_SCRIPTS, f)),
  ...['gitlab-runner', 'docker-machine', 'build.sh'].map((f) => path.join(STANDINS, f)),
];

(available ? test : test.skip)('shellcheck: host scripts and bash stand-ins are clean', () => {
  // One run for all files (shellcheck's start-up dominates); scripts/host/.shellcheckrc makes
  // `source=lib.sh` resolve next to the script.
  const r = spawnSync('shellcheck', ['-x', '--severity=style', ...files], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`shellcheck found problems:\n${r.stdout}${r.stderr}`);
  expect(files.length).toBeGreaterThan(12);
}, 60_000);

if (!available) {
  test('shellcheck is not installed: SKIPPED the shellcheck checks (apt-get install -y shellcheck)', () => {
    console.warn('shellcheck not installed: host scripts were NOT checked. Install it: apt-get install -y shellcheck');
  });
}

test('every step script starts with the standalone-or-built prologue', () => {
  for (const file of fs.readdirSync(HOST_SCRIPTS).filter((f) => f.endsWith('.sh') && f !== 'lib.sh')) {
    const text = fs.readFileSync(path.join(HOST_SCRIPTS, file), 'utf8');
    expect({ file, shebang: text.startsWith('#!/usr/bin/env bash\n') }).toEqual({ file, shebang: true });
    expect({ file, strict: /^set -euo pipefail$/m.test(text) }).toEqual({ file, strict: true });
    expect({ file, sourcesLib: text.includes('if ! declare -F glr_log >/dev/null; then') }).toEqual({ file, sourcesLib: true });
    expect({ file, noXtrace: /^\s*set\s+-[a-z]*x/m.test(text) }).toEqual({ file, noXtrace: false });
  }
});

test('lib.sh only defines functions and defaults: sourcing it runs no command', () => {
  const r = spawnSync('bash', ['-c', `PATH=/nonexistent; set -euo pipefail; . "${path.join(HOST_SCRIPTS, 'lib.sh')}"; echo "[$GLR_STATE_DIR]"`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('[/var/lib/cdktf-gitlab-runner]\n');
});
