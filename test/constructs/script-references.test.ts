/**
 * Deploy-time values in step scripts (F11): a referenced value reaches the host's script byte for
 * byte and never runs as shell, whatever it holds (quotes, `$(...)`, newlines, backslashes).
 * The real Terraform resolves the synthesized scripts (outputs only: no provider, offline), and
 * bash evaluates each script's variable header.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GitlabRunnerManager, RunnerToken, SshKey, StepEngine } from '../../lib';

const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

/** Values an operator (or an attacker who controls a variable) might pass. */
const HOSTILE: Record<string, string> = {
  region: "eu-central-1'; touch \"$PWNED\"; echo '",
  url: 'https://gitlab.example.com/$(touch "$PWNED")`touch "$PWNED"`',
  tag: "a'b\\c\nd\"e ${HOME} %{x}",
};

/** The synthesized JSON of a terraform_data manager with one legacy runner; `runner` fills in its token options and config. */
function synthManager(dir: string, runner: (stack: TerraformStack) => { tagList: string[]; url: string; machineOptions: string[] }): any {
  const stack = new TerraformStack(Testing.app(), 'refs');
  const key = path.join(dir, 'placeholder_key');
  fs.writeFileSync(key, 'placeholder\n');
  const token = new TerraformVariable(stack, 'registration_token', { type: 'string', sensitive: true }).stringValue;
  const r = runner(stack);
  new GitlabRunnerManager(stack, 'ci', {
    engine: StepEngine.terraformData(),
    bastion: { host: '127.0.0.1', privateKey: SshKey.fromFile(key) },
    runnerVersion: '19.3.0',
    dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: 'a'.repeat(64) },
    global: { concurrent: 2 },
    runners: [{
      token: RunnerToken.registrationToken(token, { tagList: r.tagList }),
      config: { name: 'legacy', url: r.url, executor: 'docker+machine', docker: { image: 'alpine:3.20' }, machine: { machineDriver: 'amazonec2', machineOptions: r.machineOptions } },
    }],
  });
  return JSON.parse(Testing.synth(stack));
}

function synthesize(dir: string): any {
  return synthManager(dir, (stack) => {
    const v = (name: string) => new TerraformVariable(stack, name, { type: 'string' }).stringValue;
    return { tagList: ['docker', v('tag')], url: v('url'), machineOptions: [`amazonec2-region=${v('region')}`, 'amazonec2-zone=a'] };
  });
}

/** The step scripts of `json`, resolved by the real Terraform with `vars`. */
function resolvedScripts(json: any, dir: string, vars: Record<string, string>): Record<string, string> {
  const outputs: Record<string, { value: string; sensitive?: boolean }> = {};
  for (const [name, body] of Object.entries<any>(json.resource.terraform_data)) {
    const exec = (body.provisioner ?? []).find((p: any) => p['remote-exec']);
    if (exec && !exec['remote-exec'].when) outputs[name] = { value: exec['remote-exec'].inline[0], sensitive: true };
  }
  const config = { variable: json.variable, locals: json.locals, output: outputs };
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc') };
  fs.writeFileSync(env.TF_CLI_CONFIG_FILE, '');
  const tfVars = Object.entries({ registration_token: 'GR1348941PLACEHOLDER', ...vars }).flatMap(([k, val]) => ['-var', `${k}=${val}`]);
  execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
  execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', ...tfVars], { cwd: dir, env, stdio: 'pipe' });
  const out = JSON.parse(execFileSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' }));
  return Object.fromEntries(Object.entries<any>(out).map(([k, o]) => [k, o.value as string]));
}

/** Runs a script's variable header in bash (not the host scripts it then sources) and returns its GLR_ variables. */
function headerVariables(script: string, pwned: string): Record<string, string> {
  const header = script.split('\n').filter((l) => !/^\. \/var\/lib\/cdktf-gitlab-runner\//.test(l) && !/exec sudo/.test(l)).join('\n');
  const dump = `${header}\nfor v in \${!GLR_@}; do printf '%s\\0%s\\0' "$v" "\${!v}"; done\n`;
  // stdin not a socket: bash would read ~/.bashrc as for a remote shell
  const r = spawnSync('bash', ['-c', dump], { env: { PATH: process.env.PATH, PWNED: pwned }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const parts = r.stdout.split('\0');
  const vars: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) vars[parts[i]] = parts[i + 1];
  return vars;
}

(hasTerraform ? test : test.skip)('GIVEN list variables for MachineOptions and the tag list WHEN Terraform resolves the scripts THEN the bootstrap gets one option per entry and register the joined tags', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-lists-'));
  try {
    const json = synthManager(dir, (stack) => ({
      tagList: new TerraformVariable(stack, 'tags', { type: 'list(string)' }).listValue,
      url: 'https://gitlab.example.com',
      machineOptions: new TerraformVariable(stack, 'machine_options', { type: 'list(string)' }).listValue,
    }));
    const scripts = resolvedScripts(json, dir, { machine_options: '["amazonec2-region=eu-central-1","amazonec2-zone=a"]', tags: '["docker","linux"]' });
    const vars = (part: string) => headerVariables(scripts[Object.keys(scripts).find((k) => k.includes(part))!], path.join(dir, 'PWNED'));
    expect(vars('bootstrap').GLR_MACHINE_OPTIONS).toBe('amazonec2-region=eu-central-1\namazonec2-zone=a');
    expect(vars('register').GLR_REGISTER_ARGS).toBe('--tag-list=docker,linux');
    // the config the host gets holds the list as a TOML array (jsonencode)
    const config = Object.values<any>(json.resource.terraform_data).find((b) => (b.provisioner ?? []).some((p: any) => p.file?.destination?.endsWith('config.toml.tmpl')));
    expect(config.provisioner[0].file.content).toContain('MachineOptions = ${jsonencode(var.machine_options)}');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120000);

(hasTerraform ? test : test.skip)('GIVEN hostile deploy-time values WHEN Terraform resolves the step scripts THEN bash gets them byte for byte and runs none of them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-refs-'));
  try {
    const json = synthesize(dir);
    const scripts = resolvedScripts(json, dir, HOSTILE);
    const bootstrap = Object.keys(scripts).find((k) => k.includes('bootstrap'))!;
    const register = Object.keys(scripts).find((k) => k.includes('register'))!;
    expect(bootstrap).toBeDefined();
    expect(register).toBeDefined();
    const pwned = path.join(dir, 'PWNED');
    const all: Record<string, Record<string, string>> = {};
    for (const [name, script] of Object.entries(scripts)) all[name] = headerVariables(script, pwned);
    expect(fs.existsSync(pwned)).toBe(false);
    expect(all[bootstrap].GLR_MACHINE_OPTIONS).toBe(`amazonec2-region=${HOSTILE.region}\namazonec2-zone=a`);
    expect(all[register].GLR_URL).toBe(HOSTILE.url);
    expect(all[register].GLR_REGISTER_ARGS).toContain(`--tag-list=docker,${HOSTILE.tag}`);
    // the readable part of the stack shows the reference, never a decoded copy
    expect(JSON.stringify(json)).not.toContain('PWNED');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120000);
