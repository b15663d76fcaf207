import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunnerToken } from '../../lib';
import { buildStepScript } from '../../lib/private/scripts/step-script';
import { stepResources, synthManager } from './helpers';

describe('docker-autoscaler runners get their fleeting plugin', () => {
  const autoscaler = (token: string) => ({
    token: RunnerToken.authenticationToken(token),
    config: {
      name: 'fleet',
      url: 'https://gitlab.example.com',
      executor: 'docker-autoscaler',
      docker: { image: 'alpine:3.20' },
      autoscaler: { plugin: 'aws:1.2.0', capacityPerInstance: 1, maxInstances: 10, pluginConfig: { name: 'asg-ci' }, connectorConfig: { username: 'ec2-user' }, policy: [{ idleCount: 2, idleTime: '20m0s' }] },
    },
  });

  test('GIVEN a plugin in [runners.autoscaler] THEN fleeting install runs after config.toml and before the service starts', () => {
    const { json, manager } = synthManager((s) => ({ dockerMachine: undefined, runners: [autoscaler(s.token)] }));
    const ids = manager.steps.map((s) => s.id);
    expect(ids.slice(-3)).toEqual(['config', 'fleeting-plugins', 'service']);
    const step = stepResources(json).get('fleeting-plugins')!.body;
    expect(step.provisioner[0]['remote-exec'].inline[0]).toContain("GLR_FLEETING_PLUGINS='aws:1.2.0'");
  });

  test('the restart hash follows only the autoscaler settings the runner cannot reload, by runner name (F13)', () => {
    const restartHash = (build: (token: string) => any[]) => {
      const { json } = synthManager((s) => ({ dockerMachine: undefined, runners: build(s.token) }));
      return /GLR_RESTART_HASH='([0-9a-f]+)'/.exec(stepResources(json).get('config')!.body.provisioner[1]['remote-exec'].inline[0])![1];
    };
    const named = (token: string, name: string, over: object = {}) => { const r = autoscaler(token); return { ...r, config: { ...r.config, name, autoscaler: { ...r.config.autoscaler, ...over } } }; };
    const base = restartHash((t) => [named(t, 'a'), named(t, 'b')]);
    expect(restartHash((t) => [named(t, 'b'), named(t, 'a')])).toBe(base); // reordered
    expect(restartHash((t) => [named(t, 'a'), named(t, 'b', { policy: [{ idleCount: 5 }] })])).toBe(base); // policy: reloaded
    expect(restartHash((t) => [named(t, 'a'), named(t, 'b', { maxInstances: 20 })])).not.toBe(base); // not reloaded: restart
  });

  test('a docker+machine stack has no fleeting step', () => {
    expect(synthManager().manager.steps.map((s) => s.id)).not.toContain('fleeting-plugins');
  });

  test('the script runs `gitlab-runner fleeting install --config` (stand-in binary records argv)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-fleeting-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(path.join(dir, 'bin', 'gitlab-runner'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"${dir}/argv"\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'config.toml'), 'concurrent = 1\n');
      const script = path.join(dir, 'step.sh');
      fs.writeFileSync(script, buildStepScript('install-fleeting-plugins', { GLR_CONFIG_PATH: path.join(dir, 'config.toml'), GLR_FLEETING_PLUGINS: 'aws:1.2.0\ngooglecloud:1.0' }));
      const out = execFileSync('bash', [script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, GLR_STATE_DIR: dir } });
      expect(out).toContain('fleeting plugins installed: aws:1.2.0,googlecloud:1.0');
      expect(fs.readFileSync(path.join(dir, 'argv'), 'utf8')).toBe(`fleeting install --config ${dir}/config.toml\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
