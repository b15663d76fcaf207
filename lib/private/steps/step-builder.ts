/**
 * Steps as plain data (id, script, order, triggers) and the builder that computes their
 * triggers. Pure: shared by the manager's plan and the support-services plan.
 */
import { base64OfReferences, fingerprint, referencesFingerprint, referencesIn, withoutReferences } from '../framework';
import { GitlabRunnerError } from '../../errors';
import { buildStepScript, readHostScript } from '../scripts/step-script';
import { sha256Hex } from './hash';

export const STATE_DIR = '/var/lib/cdktf-gitlab-runner';
export const STAGE_DIR = `${STATE_DIR}/stage`;
export const SECRETS_DIR = `${STATE_DIR}/secrets`;

/** What previews and readable triggers show instead of a deploy-time value. */
export const DEPLOY_TIME = '[deploy-time value]';

export interface PlannedStep {
  /** Construct id of the step's resource (public API: keep stable). */
  readonly id: string;
  /** What the step does, in one line (for previews). */
  readonly description: string;
  /** The full script run by remote-exec. */
  readonly script: string;
  /** Steps that must have run first. */
  readonly dependsOn: readonly string[];
  /** Stable strings; a change re-runs the step. */
  readonly triggers: { readonly [key: string]: string };
  /** Steps whose re-run (replacement) re-runs this one too. */
  readonly triggerOnReplace?: readonly string[];
  /** A secret uploaded to the staging folder before the script runs. */
  readonly upload?: { readonly content: string; readonly destination: string };
}

/** sha256 of `text`, computed by Terraform when `text` holds deploy-time references. */
export function hashOf(text: string): string {
  const refs = referencesIn(text);
  if (refs.length === 0) return sha256Hex(text);
  // only hex digits and references go to Terraform's sha256 (no quotes to escape)
  return fingerprint([sha256Hex(withoutReferences(text, DEPLOY_TIME)), ...refs].join(' '));
}

/** Adds `key` = Terraform-side sha256 of the references in `text`, when there are any. */
export function withReferences(triggers: { [key: string]: string }, key: string, text: string): { [key: string]: string } {
  const refs = referencesFingerprint(text);
  return refs ? { ...triggers, [key]: refs } : triggers;
}

export class StepBuilder {
  public readonly steps: PlannedStep[] = [];

  constructor(private readonly hostIdentity: string) {}

  public add(
    id: string,
    description: string,
    scriptName: string,
    env: { [key: string]: string },
    dependsOn: string[],
    extraTriggers: { [key: string]: string } = {},
    upload?: { content: string; destination: string },
    triggerOnReplace?: string[],
    preamble?: string,
  ): void {
    // Ids are derived from runner names and key paths (`secret-runner-<name>-<key>`): two sources
    // that map to one id would share one resource (cdktf stops with a raw construct error).
    const same = this.steps.find((st) => st.id === id);
    if (same) {
      throw GitlabRunnerError.at('runners', `two steps get the id "${id}": "${same.description}" and "${description}"; the names they are derived from (runner names, with ".", "_" and "-" alike and case ignored, and key paths) collide. Fix: rename one of the runners (config.name), or drop one of the two keys.`);
    }
    // Triggers hash what runs (the inline script). Steps source lib.sh and their body from the
    // host; prepare first installs them there from the stack's one copy (its preamble).
    // Referenced values reach the host base64-encoded: never parsed as shell, whatever they hold
    // (*_HASH values are Terraform sha256 digests, hex only).
    const encodeReferences = (value: string, key: string) => (key.endsWith('_HASH') ? undefined : base64OfReferences(value));
    const script = buildStepScript(scriptName, env, { scripts: 'host', preamble, encodeReferences });
    // What decides the step: its variables and its own script body. lib.sh is not part of it
    // (a library patch must not re-run every step), references count by value, not token text.
    const decisive = `${withoutReferences(buildStepScript(scriptName, env, { scripts: 'host' }), DEPLOY_TIME)}\n${readHostScript(`${scriptName}.sh`)}`;
    this.steps.push({
      id,
      description,
      script,
      dependsOn: [...new Set(dependsOn)],
      // (*_HASH variables are derived from the other variables: their references count there)
      triggers: withReferences({ host: this.hostIdentity, script_sha256: sha256Hex(decisive), ...extraTriggers }, 'script_references', Object.entries(env).filter(([k]) => !k.endsWith('_HASH')).map(([, v]) => v).join('\n')),
      triggerOnReplace,
      upload,
    });
  }
}
