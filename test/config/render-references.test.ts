/**
 * Deploy-time values in config.toml (F02/F11): Terraform fills them in at apply time, so the
 * library cannot escape them itself. Each reference is written as Terraform's own TOML escaping
 * of its value; here the real Terraform resolves a rendered config (an output only: no provider,
 * offline) and the result is parsed as TOML.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { parse } from 'smol-toml';
import { RunnerConfig } from '../../lib';

const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

const HOSTILE = ['pa"ss', 'line1\nline2', 'C:\\temp\\new', 'tab\there', '@@GLR_SECRET:runner-a-token@@', 'del\u007fchar', 'ünïcødé 🚀', '${HOME} %{x}', ''];

(hasTerraform ? test : test.skip)('GIVEN hostile deploy-time values in config strings WHEN Terraform resolves the rendered config THEN it is valid TOML holding exactly those values, and no value forms a secret marker', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-toml-refs-'));
  try {
    const stack = new TerraformStack(Testing.app(), 'refs');
    const vars = HOSTILE.map((_, i) => new TerraformVariable(stack, `v${i}`, { type: 'string' }).stringValue);
    const config = new RunnerConfig({
      concurrent: 1,
      runners: [{
        name: 'a', url: 'https://gitlab.example.com', token: 'glrt-PLACEHOLDERPLACEHOLDER', executor: 'shell',
        environment: vars.map((v, i) => `V${i}=${v}`),
        preBuildScript: `echo ${vars[0]}`,
      }],
    });
    new TerraformOutput(stack, 'config', { value: config.render() });
    const json = JSON.parse(Testing.synth(stack));
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ variable: json.variable, output: json.output }));
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc') };
    fs.writeFileSync(env.TF_CLI_CONFIG_FILE, '');
    const tfVars = HOSTILE.flatMap((v, i) => ['-var', `v${i}=${v}`]);
    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
    execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', ...tfVars], { cwd: dir, env, stdio: 'pipe' });
    const text = JSON.parse(execFileSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' })).config.value as string;
    expect(text).not.toContain('@@GLR_SECRET:'); // the host replaces only markers the library wrote
    const parsed = parse(text) as any;
    expect(parsed.runners[0].environment).toEqual(HOSTILE.map((v, i) => `V${i}=${v}`));
    expect(parsed.runners[0].pre_build_script).toBe(`echo ${HOSTILE[0]}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120000);
