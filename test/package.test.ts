/**
 * What users install works: `npm pack` (which builds through `prepare`), unpack the tarball into
 * a scratch app's node_modules, and synthesize the README's Quick start from
 * `require('cdktf-gitlab-runner')`; run the packaged CLI too.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

test('the packed package synthesizes the Quick start and its CLI runs', () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--pack-destination', app, '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const info = JSON.parse(out.slice(out.indexOf('[')))[0];
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'bin/cdktf-gitlab-runner', 'scripts/host/lib.sh', 'scripts/host/install-runner.sh']));
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'docs/config-model.md', 'docs/validation.md'])); // the README's links resolve
    expect(files.filter((f) => /^(test|examples|node_modules|cdktf\.out)\//.test(f) || /\.tfstate/.test(f) || f === 'bin/show-plan.ts')).toEqual([]);

    const modules = path.join(app, 'node_modules');
    fs.mkdirSync(path.join(modules, '@cdktf'), { recursive: true });
    execFileSync('tar', ['xzf', path.join(app, info.filename), '-C', app]);
    fs.renameSync(path.join(app, 'package'), path.join(modules, 'cdktf-gitlab-runner'));
    for (const dep of ['cdktf', 'constructs', 'smol-toml', '@cdktf/provider-null', '@cdktf/provider-local']) {
      fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep));
    }
    fs.writeFileSync(path.join(app, 'main.js'), `
const { App, TerraformStack, TerraformVariable } = require('cdktf');
const { GitlabRunnerManager, RunnerToken, SshKey } = require('cdktf-gitlab-runner');
const app = new App({ outdir: ${JSON.stringify(path.join(app, 'cdktf.out'))} });
const stack = new TerraformStack(app, 'runners');
const token = new TerraformVariable(stack, 'runner_token', { type: 'string', sensitive: true });
const m = new GitlabRunnerManager(stack, 'ci', {
  bastion: { host: '203.0.113.10', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') },
  runnerVersion: '19.3.0',
  dockerMachine: { version: 'v0.16.2-gitlab.48', sha256: '${'ab'.repeat(32)}' },
  runners: [{ token: RunnerToken.authenticationToken(token.stringValue), config: { name: 'docker', url: 'https://gitlab.com', executor: 'docker+machine', docker: { image: 'alpine:3.20' }, machine: { machineDriver: 'amazonec2' } } }],
});
app.synth();
console.log(m.steps.map((s) => s.id).join(','));
`);
    const steps = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(steps.trim()).toBe('prepare,docker,runner,service-dropin,docker-machine,bootstrap-docker,secret-runner-docker-token,config,service');
    const json = fs.readFileSync(path.join(app, 'cdktf.out', 'stacks', 'runners', 'cdk.tf.json'), 'utf8');
    expect(json).toContain('install-runner.sh');

    fs.writeFileSync(path.join(app, 'config.toml'), 'concurrent = 1\n');
    const lint = execFileSync(process.execPath, [path.join(modules, 'cdktf-gitlab-runner', 'bin', 'cdktf-gitlab-runner'), 'fmt', 'config.toml'], { cwd: app, encoding: 'utf8' });
    expect(lint).toBe('concurrent = 1\n');
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
}, 180000);
