/**
 * Turns planned steps into Terraform resources on one host: the create-time steps in order,
 * and the destroy-time teardown. Shared by GitlabRunnerManager and SupportServices.
 */
import { Annotations, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { Bastion } from '../../bastion';
import { StepEngine } from '../../step-engine';
import { createHostStep } from './host-step';
import { PlannedStep } from './step-builder';
import { managerConnection, teardownConnection } from './wiring';

/**
 * One resource per step, ordered by the steps' dependsOn (plus `extraDependsOn[stepId]`:
 * resources outside the plan, e.g. another host's services).
 */
export function materializeSteps(
  scope: Construct,
  engine: StepEngine,
  host: Bastion,
  steps: readonly PlannedStep[],
  extraDependsOn: { readonly [stepId: string]: readonly TerraformResource[] } = {},
): { [stepId: string]: TerraformResource } {
  const connection = managerConnection(host);
  const resources: { [stepId: string]: TerraformResource } = {};
  for (const step of steps) {
    const dependsOn: TerraformResource[] = [...step.dependsOn.map((d) => resources[d]), ...(extraDependsOn[step.id] ?? [])];
    const triggers: { [key: string]: string } = { ...step.triggers };
    for (const ref of step.triggerOnReplace ?? []) triggers[`after_${ref.replace(/-/g, '_')}`] = resources[ref].getStringAttribute('id');
    resources[step.id] = createHostStep(scope, step.id, {
      engine,
      connection,
      triggers,
      dependsOn,
      // An upload that repeats a trigger (the config template) reads it from the resource
      // itself, so the stack holds the text once.
      uploads: step.upload ? [{ content: isTriggerCopy(step) ? engine.selfTrigger('config') : step.upload.content, destination: step.upload.destination, isExpression: isTriggerCopy(step) }] : undefined,
      script: step.script,
    });
  }
  return resources;
}

/**
 * The destroy-time teardown: a terraform_data with either engine (built into Terraform, no
 * provider), whose `input` can follow a moved key or a new script without replacing (= running)
 * it. Undefined, with a warning naming `what` it would have done, when the key comes from a
 * variable (destroy-time provisioners cannot read variables).
 */
export function createTeardown(scope: Construct, host: Bastion, script: string, dependsOn: TerraformResource[], what: string, path: string): TerraformResource | undefined {
  const engine = StepEngine.terraformData();
  const teardown = teardownConnection(host, engine);
  if (!teardown) {
    Annotations.of(scope).addWarning(`${path}.privateKey: teardown (${what}) needs SshKey.fromFile(path) or SshKey.agent(): Terraform destroy-time provisioners cannot read variables. Fix: use a key file for teardown, or run teardown by hand before destroy.`);
    return undefined;
  }
  return createHostStep(scope, 'teardown', {
    engine,
    connection: teardown.connection,
    triggers: teardown.identity,
    values: { ...teardown.values, script },
    dependsOn,
    script: engine.selfValue('script'),
    scriptIsExpression: true,
    when: 'destroy',
    onFailure: 'continue',
  });
}

function isTriggerCopy(step: PlannedStep): boolean {
  return step.upload !== undefined && step.upload.content === step.triggers.config;
}
