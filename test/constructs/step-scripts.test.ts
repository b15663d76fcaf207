/**
 * The scripts the steps actually run (GLR_* header + lib.sh + step body, as synthesized) are
 * shellcheck-clean, start with the sudo re-exec and set -euo pipefail, and carry no secrets.
 */
import { execFileSync, spawnSync } from 'child_process';
import { managerProps, synthManager } from './helpers';
import { RunnerToken } from '../../lib';
import { buildScriptBundle, HOST_SCRIPTS_DIR } from '../../lib/private/scripts/step-script';
import { SECRETS_DIR, STATE_DIR } from '../../lib/private/steps/manager-plan';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe('synthesized step scripts', () => {
  const { manager } = synthManager((s) => ({
    runners: [
      synthRunner(s.token),
      { token: RunnerToken.registrationToken(s.registration, { tagList: ['a', 'b'] }), config: { name: 'legacy', url: 'https://gitlab.example.com', executor: 'shell' } },
    ],
  }));

  // what runs on the host: the stack's script bundle in place of its reference
  const scripts = manager.steps.map((s) => [s.id, s.script.replace(/\$\{TfToken\[[^\]]+\]\}/, () => buildScriptBundle())]);

  test.each(scripts)('%s starts as root with strict mode', (_id, script) => {
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/usr/bin/env bash');
    expect(lines[3]).toBe('if [ "$(id -u)" -ne 0 ]; then exec sudo -n bash "$0" "$@"; fi');
    expect(lines[4]).toBe('set -euo pipefail');
    expect(script).not.toMatch(/^\s*set -x/m);
    expect(script).not.toMatch(/TfToken|var\.runner_token|var\.registration_token/);
    expect(script).toContain('. /var/lib/cdktf-gitlab-runner/scripts/lib.sh');
  });

  (hasShellcheck ? test : test.skip)('every step script passes shellcheck', () => {
    for (const [id, script] of scripts) {
      try {
        execFileSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
      } catch (e: any) {
        throw new Error(`shellcheck failed for step ${id}:\n${e.stdout}`);
      }
    }
  });

  test('lib.sh defaults the state and secrets folders to what the plan uses (steps do not repeat them)', () => {
    const out = execFileSync('bash', ['-c', `set -u; . ${HOST_SCRIPTS_DIR}/lib.sh; printf '%s\\n%s' "$GLR_STATE_DIR" "$GLR_SECRETS_DIR"`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out).toBe(`${STATE_DIR}\n${SECRETS_DIR}`);
  });

  test('bash parses every step script', () => {
    for (const [id, script] of scripts) {
      const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect({ step: id, stderr: r.stderr }).toEqual({ step: id, stderr: '' });
    }
  });
});

/** The helpers' docker+machine runner, with a MachineOptions value holding a single quote. */
function synthRunner(token: string) {
  const r = managerProps(token).runners[0];
  return { ...r, config: { ...r.config, machine: { ...r.config.machine, machineOptions: ['amazonec2-region=eu-central-1', "amazonec2-tags=team,it's"] } } };
}
