/**
 * Materializes one provisioning step as a `null_resource` or `terraform_data` with an SSH
 * connection, optional file uploads and one remote-exec script. The only construct wiring that
 * knows the two resource types; everything else describes steps as data.
 */
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { DataResource, SSHProvisionerConnection, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { StepEngine } from '../../step-engine';
import { dependencyAddresses, escapeTerraformTemplate } from '../framework';

export interface HostStepUpload {
  /** Text to upload; literal `${`/`%{` are escaped, embedded references resolve at apply time. */
  readonly content: string;
  readonly destination: string;
  /** True when `content` is a Terraform expression such as `${self.triggers.config}`. */
  readonly isExpression?: boolean;
}

export interface HostStepOptions {
  readonly engine: StepEngine;
  readonly connection: SSHProvisionerConnection;
  /** Stable strings; any change replaces the resource and re-runs the step. */
  readonly triggers: { readonly [key: string]: string };
  /**
   * Values stored on the resource that must NOT replace it when they change (read with
   * engine.selfValue): terraform_data `input` (terraform_data steps only).
   */
  readonly values?: { readonly [key: string]: string };
  readonly dependsOn?: TerraformResource[];
  readonly uploads?: HostStepUpload[];
  /** Full script text run by remote-exec (starts with a shebang). */
  readonly script?: string;
  /** True when `script` is a Terraform expression (e.g. `${self.triggers.script}`), not literal text. */
  readonly scriptIsExpression?: boolean;
  /** `destroy`: the provisioners run when the resource is destroyed (teardown). */
  readonly when?: 'create' | 'destroy';
  readonly onFailure?: 'continue' | 'fail';
}

export function createHostStep(scope: Construct, id: string, o: HostStepOptions): TerraformResource {
  const provisioners: any[] = [];
  for (const u of o.uploads ?? []) {
    provisioners.push({ type: 'file', content: u.isExpression ? u.content : escapeTerraformTemplate(u.content), destination: u.destination, when: o.when === 'destroy' ? 'destroy' : undefined });
  }
  if (o.script !== undefined) {
    provisioners.push({
      type: 'remote-exec',
      inline: [o.scriptIsExpression ? o.script : escapeTerraformTemplate(o.script)],
      when: o.when === 'destroy' ? 'destroy' : undefined,
      onFailure: o.onFailure,
    });
  }
  const escapeAll = (m: { readonly [key: string]: string }) => {
    const out: { [key: string]: string } = {};
    for (const key of Object.keys(m).sort()) out[key] = escapeTerraformTemplate(m[key]);
    return out;
  };
  const triggers = escapeAll(o.triggers);
  const values = o.values ? escapeAll(o.values) : undefined;
  const common = { connection: o.connection, provisioners };
  let resource: TerraformResource;
  if (o.engine.resourceType === 'null_resource') {
    if (values) throw new Error(`internal: step ${id} stores values; use the terraform_data engine for it`);
    resource = new NullResource(scope, id, { ...common, triggers });
  } else {
    resource = new DataResource(scope, id, { ...common, triggersReplace: triggers, input: values });
  }
  // depends_on as one deferred list of addresses: cdktf's dependsOn makes a token (with a full
  // stack trace) per dependency, most of a large stack's synth memory (npm run bench)
  if (o.dependsOn) resource.addOverride('depends_on', o.dependsOn.length > 0 ? dependencyAddresses(o.dependsOn) : []);
  return resource;
}
