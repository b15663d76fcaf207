/**
 * The synthesized JSON is valid Terraform: `terraform init` + `validate` on the terraform_data
 * sandbox stack (no provider download needed) with the real, preinstalled Terraform.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { DEFAULT_SETTINGS } from '../../examples/local-sandbox/settings';
import { LocalSandboxStack } from '../../examples/local-sandbox/stack';

const hasTerraform = (() => {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(hasTerraform ? test : test.skip)('terraform validate accepts the synthesized sandbox stack', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-validate-'));
  try {
    const key = path.join(dir, 'placeholder_key');
    fs.writeFileSync(key, 'placeholder, never used: validate only reads the file\n');
    const stack = new LocalSandboxStack(Testing.app(), 'local-sandbox', { ...DEFAULT_SETTINGS, privateKeyPath: key });
    const json = JSON.parse(Testing.synth(stack, true));
    delete json.terraform.backend;
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(json));
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
    const out = execFileSync('terraform', ['validate', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
    expect(out).toContain('Success! The configuration is valid.');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60000);
