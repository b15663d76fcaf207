/**
 * Framework wiring shared by the manager: SSH connections (create and destroy time), the
 * providers a stack needs, and the local redacted copy of config.toml.
 */
import { File as LocalFile } from '@cdktf/provider-local/lib/file';
import { LocalProvider } from '@cdktf/provider-local/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { DataResource, Fn, SSHProvisionerConnection, TerraformLocal, TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { Bastion } from '../../bastion';
import { StepEngine } from '../../step-engine';
import { escapeTerraformTemplate } from '../framework';
import { buildScriptBundle } from '../scripts/step-script';

/** The connection every create-time step uses. */
export function managerConnection(b: Bastion): SSHProvisionerConnection {
  const key = b.privateKey;
  const privateKey = key.kind === 'file' ? Fn.file(Fn.pathexpand(key.source)) : key.kind === 'value' ? key.source : undefined;
  const jump = b.jumpHost;
  const jumpKey = jump?.privateKey;
  return {
    type: 'ssh',
    host: b.host,
    port: b.port,
    user: b.user,
    privateKey,
    agent: key.kind === 'agent' ? 'true' : 'false',
    hostKey: b.hostKey === undefined ? undefined : escapeTerraformTemplate(b.hostKey),
    timeout: b.connectTimeout,
    ...(jump
      ? {
        bastionHost: jump.host,
        bastionPort: jump.port ?? 22,
        bastionUser: jump.user ?? b.user,
        bastionPrivateKey: jumpKey ? (jumpKey.kind === 'file' ? Fn.file(Fn.pathexpand(jumpKey.source)) : jumpKey.kind === 'value' ? jumpKey.source : undefined) : privateKey,
        bastionHostKey: jump.hostKey === undefined ? undefined : escapeTerraformTemplate(jump.hostKey),
      }
      : {}),
  };
}

/**
 * Destroy-time provisioners may only read their own resource (`self`), so the teardown
 * resource stores what it needs to connect. Only the host's identity (host, port) replaces it:
 * a moved key, a new host key or a new script must never run the teardown of a live host.
 * Key material from a variable cannot be stored without putting it in state: then there is
 * no teardown resource (undefined).
 */
export function teardownConnection(b: Bastion, engine: StepEngine): {
  connection: SSHProvisionerConnection;
  identity: { [key: string]: string };
  values: { [key: string]: string };
} | undefined {
  const key = b.privateKey;
  const jumpKey = b.jumpHost?.privateKey;
  if (key.kind === 'value' || jumpKey?.kind === 'value') return undefined;
  const value = (k: string) => engine.selfValue(k);
  const identity: { [key: string]: string } = { host: b.host, port: String(b.port) };
  const values: { [key: string]: string } = {
    user: b.user,
    key_path: key.kind === 'file' ? key.source : '',
    host_key: b.hostKey ?? '',
  };
  const connection: SSHProvisionerConnection = {
    type: 'ssh',
    host: engine.selfTrigger('host'),
    port: Token.asNumber(engine.selfTrigger('port')),
    user: value('user'),
    privateKey: key.kind === 'file' ? `\${file(pathexpand(${value('key_path').slice(2, -1)}))}` : undefined,
    agent: key.kind === 'agent' ? 'true' : 'false',
    hostKey: b.hostKey ? value('host_key') : undefined,
    timeout: b.connectTimeout,
  };
  if (b.jumpHost) {
    const j = b.jumpHost;
    Object.assign(values, {
      jump_host: j.host,
      jump_port: String(j.port ?? 22),
      jump_user: j.user ?? b.user,
      jump_key_path: jumpKey?.kind === 'file' ? jumpKey.source : values.key_path,
      jump_host_key: j.hostKey ?? '',
    });
    Object.assign(connection, {
      bastionHost: value('jump_host'),
      bastionPort: Token.asNumber(value('jump_port')),
      bastionUser: value('jump_user'),
      bastionPrivateKey: (jumpKey ?? key).kind === 'file' ? `\${file(pathexpand(${value('jump_key_path').slice(2, -1)}))}` : undefined,
      bastionHostKey: j.hostKey ? value('jump_host_key') : undefined,
    });
  }
  return { connection, identity, values };
}

const NULL_PROVIDER_ID = 'cdktf-gitlab-runner-null';
const LOCAL_PROVIDER_ID = 'cdktf-gitlab-runner-local';

/**
 * Adds the default null/local provider configuration to the stack once, unless the user
 * already configured one (checked by provider type, not instanceof).
 */
export function ensureProviders(scope: Construct, engine: StepEngine, redactedCopy: boolean): void {
  const stack = TerraformStack.of(scope);
  const has = (type: string) =>
    stack.node.findAll().some((c) => (c as { terraformResourceType?: string }).terraformResourceType === type && (c as { terraformProviderSource?: string }).terraformProviderSource !== undefined);
  if (engine.resourceType === 'null_resource' && !has('null') && !stack.node.tryFindChild(NULL_PROVIDER_ID)) {
    new NullProvider(stack, NULL_PROVIDER_ID);
  }
  if (engine.resourceType === 'null_resource' && redactedCopy && !has('local') && !stack.node.tryFindChild(LOCAL_PROVIDER_ID)) {
    new LocalProvider(stack, LOCAL_PROVIDER_ID);
  }
}

/**
 * Writes the redacted config.toml next to the Terraform working directory for CI artifacts:
 * `local_file` with the null engine; with `terraform_data` (no providers to download) a
 * local-exec that writes the same bytes.
 */
export function writeRedactedCopy(scope: Construct, engine: StepEngine, filename: string, redacted: string, after: TerraformResource): void {
  const path = `\${path.module}/${filename}`;
  if (engine.resourceType === 'null_resource') {
    new LocalFile(scope, 'redacted-config', { filename: path, content: escapeTerraformTemplate(redacted), filePermission: '0644', dependsOn: [after] });
    return;
  }
  new DataResource(scope, 'redacted-config', {
    triggersReplace: { content: escapeTerraformTemplate(redacted) },
    dependsOn: [after],
    provisioners: [{
      type: 'local-exec',
      command: 'printf "%s" "$GLR_REDACTED_CONFIG" > "$GLR_REDACTED_FILE"',
      environment: { GLR_REDACTED_CONFIG: engine.selfTrigger('content'), GLR_REDACTED_FILE: path },
    }],
  });
}

const BUNDLE_ID = 'cdktf-gitlab-runner-host-scripts';

/**
 * The stack's one copy of the host scripts (a Terraform local), shared by every manager's
 * prepare step; returns a reference to it.
 */
export function scriptBundleRef(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(BUNDLE_ID) as TerraformLocal | undefined;
  const local = existing ?? new TerraformLocal(stack, BUNDLE_ID, escapeTerraformTemplate(buildScriptBundle()));
  return local.asString;
}
