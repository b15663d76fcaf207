/**
 * Where Terraform gets the private key for SSH to a bastion. Never a literal in the stack.
 */
import { GitlabRunnerError } from './errors';
import { isUnresolved } from './private/framework';

export class SshKey {
  /**
   * A private key file on the machine that runs `cdktf deploy`, read at apply time with
   * Terraform's `file()`. The key itself never enters `cdktf.out` or state. Destroy-time
   * teardown works with it.
   */
  public static fromFile(path: string): SshKey {
    if (isUnresolved(path)) return new SshKey('file', path);
    // Key material first, and never echoed: a pasted key must not end up in an error log.
    if (typeof path === 'string' && /PRIVATE KEY|-----BEGIN|[\n\r]/.test(path)) {
      throw GitlabRunnerError.at('bastion.privateKey', `got ${path.includes('PRIVATE KEY') || path.includes('-----BEGIN') ? 'the key material itself' : `a text of ${path.length} characters with line breaks (not shown: it may be key material)`}, expected the path of a private key file. Fix: SshKey.fromFile("~/.ssh/id_ed25519") for a key file, or SshKey.fromSensitiveValue(variable.stringValue) for key material.`);
    }
    if (typeof path !== 'string' || path.trim() === '') {
      throw GitlabRunnerError.at('bastion.privateKey', `got ${JSON.stringify(path)}, expected the path of a private key file. Fix: SshKey.fromFile("~/.ssh/id_ed25519") or an absolute path.`);
    }
    return new SshKey('file', path);
  }

  /**
   * Key material from a sensitive Terraform variable or another reference
   * (e.g. `new TerraformVariable(this, 'ssh_key', { sensitive: true }).stringValue`).
   * A literal key is rejected: it would be written into `cdktf.out`.
   * Destroy-time provisioners cannot read variables, so teardown needs `fromFile` or `agent`.
   */
  public static fromSensitiveValue(value: string): SshKey {
    if (!isUnresolved(value)) {
      throw GitlabRunnerError.at('bastion.privateKey', 'got a literal private key, expected a sensitive Terraform variable or reference: a literal would be written into cdktf.out. Fix: new TerraformVariable(this, "ssh_private_key", { type: "string", sensitive: true }).stringValue, or SshKey.fromFile(path).');
    }
    return new SshKey('value', value);
  }

  /** Authenticate with the running ssh-agent (`SSH_AUTH_SOCK`). */
  public static agent(): SshKey {
    return new SshKey('agent', '');
  }

  private constructor(
    /** `file`, `value` or `agent`. */
    public readonly kind: 'file' | 'value' | 'agent',
    /** The file path (`file`) or the reference (`value`). */
    public readonly source: string,
  ) {}
}
