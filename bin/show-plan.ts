/**
 * The main job: synthesizes the example app (examples/existing-bastion, the app the top-level
 * cdktf.json points at) into cdktf.out and shows what a deploy will do: the ordered steps with
 * their Terraform addresses and the secret-redacted config.toml.
 *
 *   npm run plan            (= ts-node bin/show-plan.ts [existing-bastion|local-sandbox])
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { GitlabRunnerManager } from '../lib';
import { ExistingBastionStack } from '../examples/existing-bastion/stack';
import { loadSettings } from '../examples/local-sandbox/settings';
import { LocalSandboxStack } from '../examples/local-sandbox/stack';

const which = process.argv[2] ?? 'existing-bastion';
const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
const app = new App({ outdir });
let stack: TerraformStack & { manager: GitlabRunnerManager };
if (which === 'existing-bastion') stack = new ExistingBastionStack(app, which);
else if (which === 'local-sandbox') stack = new LocalSandboxStack(app, which, loadSettings());
else {
  console.error(`usage: npm run plan [existing-bastion|local-sandbox] (got ${which})`);
  process.exit(2);
}
app.synth();

const m = stack.manager;
const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', which, 'cdk.tf.json'), 'utf8'));
const addresses = new Map<string, string>();
for (const [type, resources] of Object.entries<Record<string, { '//'?: { metadata?: { path?: string } } }>>(json.resource ?? {})) {
  for (const [name, r] of Object.entries(resources)) addresses.set(r['//']?.metadata?.path ?? '', `${type}.${name}`);
}
console.log(`Synthesized stack "${which}" to ${path.relative(process.cwd(), path.join(outdir, 'stacks', which))}/cdk.tf.json`);
const [firstType, firstName] = (addresses.get(`${which}/${m.node.id}/prepare`) ?? '').split('.');
const c = json.resource?.[firstType]?.[firstName]?.connection ?? {};
// a deploy-time value shows as its Terraform expression (`var.bastion_host`), not as ${...}
const shown = (v: unknown) => String(v).replace(/^\$\{(.*)\}$/, '$1');
console.log(`Host: ${shown(c.user)}@${shown(c.host)}:${shown(c.port)}   engine: ${m.engine.resourceType}   runner ${m.runnerVersion}\n`);
const warnings = m.node.findAll().flatMap((c) => c.node.metadata.filter((e) => e.type === '@cdktf/warn').map((e) => `${c.node.path}: ${e.data}`));
for (const w of warnings) console.log(`WARNING ${w}`);
if (warnings.length) console.log('');
console.log('Steps, in dependency order (`cdktf deploy` runs a step once those in its "after" list are done,');
console.log('independent ones in parallel; each re-runs only when its triggers change):');
m.steps.forEach((s, i) => {
  const address = addresses.get(`${which}/${m.node.id}/${s.id}`) ?? s.id;
  console.log(`${String(i + 1).padStart(3)}. ${s.id}${s.dependsOn.length ? `   (after: ${s.dependsOn.join(', ')})` : ''}`);
  console.log(`     ${s.description}`);
  console.log(`     ${address}`);
});
if (m.resources.teardown) console.log(`  -  teardown\n     at destroy: stop the service, remove machines "${m.machineNamePrefix}-*", unregister what was registered`);
console.log(`\n${m.configPath} (secrets redacted):\n`);
console.log(m.redactedConfig);
