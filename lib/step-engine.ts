/**
 * Which Terraform resource type carries the provisioning steps.
 *
 * Both run the same scripts, with the same triggers, in the same order:
 * - `StepEngine.nullResource()` (default): `null_resource` from hashicorp/null.
 * - `StepEngine.terraformData()`: the built-in `terraform_data`; no provider download, so it works
 *   in air-gapped CI and on CDK Terrain.
 */
export class StepEngine {
  /** `null_resource` steps (provider hashicorp/null). */
  public static nullResource(): StepEngine {
    return new StepEngine('null_resource');
  }

  /** Built-in `terraform_data` steps: no provider to download. */
  public static terraformData(): StepEngine {
    return new StepEngine('terraform_data');
  }

  private constructor(
    /** The Terraform resource type: `null_resource` or `terraform_data`. */
    public readonly resourceType: 'null_resource' | 'terraform_data',
  ) {}

  /**
   * How a destroy-time provisioner reads trigger `key` from its own resource
   * (`self.triggers.key` or `self.triggers_replace.key`).
   */
  public selfTrigger(key: string): string {
    return this.resourceType === 'null_resource' ? `\${self.triggers.${key}}` : `\${self.triggers_replace.${key}}`;
  }

  /**
   * How a destroy-time provisioner reads value `key` that may change without replacing the
   * resource (`self.input.key`; terraform_data only).
   */
  public selfValue(key: string): string {
    if (this.resourceType !== 'terraform_data') throw new Error('internal: stored values need the terraform_data engine');
    return `\${self.input.${key}}`;
  }
}
