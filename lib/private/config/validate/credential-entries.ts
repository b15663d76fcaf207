/**
 * Credentials written inside `name=value` entry lists (MachineOptions, environment): one check,
 * one place that decides what a credential entry is (`credentialEntryName`, secrets.ts), and a
 * warning that says where the credential ends up and how to pass it instead. Messages show the
 * name, never the value.
 */
import { credentialEntryName } from '../secrets';
import { Ctx, isUnresolved } from './context';

/** The lists whose credential entries are reported, and why each is a problem. */
export type EntryListKind = 'MachineOptions' | 'environment';

/** An environment variable name for the example fix: `AWS_SECRET_ACCESS_KEY` -> `aws_secret_access_key`. */
export function variableId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'secret';
}

/**
 * Warns when `entry` (at `path`) is a credential with a value.
 * - MachineOptions: checked even when the value is a deploy-time reference; the runner passes the
 *   options as docker-machine arguments, readable by any user of the bastion in the process list (F11).
 * - environment: only a literal value; a reference is the way to pass one.
 */
export function checkCredentialEntry(entry: string, path: string, ctx: Ctx, kind: EntryListKind): void {
  const name = credentialEntryName(entry);
  if (name === undefined) return;
  if (kind === 'MachineOptions') {
    ctx.warn(
      path,
      `is "${name}=<redacted>", a credential on docker-machine's command line: the runner passes MachineOptions as arguments, so any user of the bastion can read it in the process list. ` +
        "Fix: give the bastion a cloud identity instead (e.g. an IAM instance profile), or set the driver's environment variable (e.g. AWS_SECRET_ACCESS_KEY) for the runner service.",
    );
    return;
  }
  if (isUnresolved(entry)) return;
  ctx.warn(
    path,
    `is "${name}=<redacted>", a literal credential: it is written in plain text into config.toml (and, when set through the constructs, into cdktf.out and the Terraform state), and every job of this runner gets it in its environment. ` +
      `Fix: pass the value as a deploy-time reference, e.g. \`${name}=\${new TerraformVariable(this, "${variableId(name)}", { type: "string", sensitive: true }).stringValue}\`, or define it as a masked CI/CD variable in GitLab instead.`,
  );
}
