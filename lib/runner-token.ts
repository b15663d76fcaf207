/**
 * How a `[[runners]]` entry gets its token.
 *
 * - `RunnerToken.authenticationToken(ref)`: the runner was created in GitLab (UI/API) and has a
 *   `glrt-` authentication token. It goes into config.toml directly. Tags, run-untagged, locked,
 *   access level, maximum timeout, paused and maintenance note belong to the runner object in
 *   GitLab then, not to the host (F03).
 * - `RunnerToken.registrationToken(ref, options)`: the legacy flow (deprecated by GitLab, scheduled
 *   for removal in 20.0). `gitlab-runner register` runs once on the host; the runner token it
 *   obtains stays on the host in a root-only file and is merged into the rendered config.toml.
 *   Teardown unregisters it again.
 */
import { GitlabRunnerError } from './errors';
import { isUnresolved, joinableList } from './private/framework';

/** Settings that only the legacy registration flow can set (they live in GitLab otherwise). */
export interface RegistrationOptions {
  /** `--tag-list`. @default - no tags */
  readonly tagList?: string[];
  /** `--run-untagged`. @default - GitLab's default (false when tags are set) */
  readonly runUntagged?: boolean;
  /** `--locked`. @default - GitLab's default */
  readonly locked?: boolean;
  /** `--access-level`: `not_protected` or `ref_protected`. @default - GitLab's default */
  readonly accessLevel?: 'not_protected' | 'ref_protected';
  /** `--maximum-timeout` in seconds. @default - no maximum */
  readonly maximumTimeoutSeconds?: number;
  /** `--paused`. @default false */
  readonly paused?: boolean;
  /** `--maintenance-note`. @default - none */
  readonly maintenanceNote?: string;
}

const REGISTRATION_ONLY: { readonly [K in keyof RegistrationOptions]-?: string } = {
  tagList: '--tag-list',
  runUntagged: '--run-untagged',
  locked: '--locked',
  accessLevel: '--access-level',
  maximumTimeoutSeconds: '--maximum-timeout',
  paused: '--paused',
  maintenanceNote: '--maintenance-note',
};

export class RunnerToken {
  /**
   * A runner authentication token (`glrt-...`) from a sensitive variable or reference.
   * Registration-only settings are rejected: set them on the runner in GitLab.
   */
  public static authenticationToken(value: string, registrationOnlySettings?: RegistrationOptions): RunnerToken {
    const given = Object.keys(registrationOnlySettings ?? {}).filter((k) => (registrationOnlySettings as Record<string, unknown>)[k] !== undefined);
    if (given.length > 0) {
      throw GitlabRunnerError.at(
        `token (${given.join(', ')})`,
        `got ${given.map((k) => REGISTRATION_ONLY[k as keyof RegistrationOptions] ?? k).join(', ')} with an authentication token; with authentication tokens these settings belong to the runner object in GitLab and \`gitlab-runner register\` rejects them. Fix: set them when creating the runner in GitLab (UI, API POST /user/runners or the gitlab_user_runner Terraform resource), or use RunnerToken.registrationToken(...) for the legacy flow.`,
      );
    }
    return new RunnerToken('authentication', value, {});
  }

  /** A legacy registration token from a sensitive variable; `register` runs once on the host. */
  public static registrationToken(value: string, options: RegistrationOptions = {}): RunnerToken {
    if (!isUnresolved(value) && typeof value === 'string' && /^glrt-/.test(value)) {
      throw GitlabRunnerError.at('token', 'got a glrt- authentication token as a registration token; a glrt- value is never passed to `register --registration-token`. Fix: RunnerToken.authenticationToken(ref).');
    }
    if (!isUnresolved(value)) {
      throw GitlabRunnerError.at('token', 'got a literal registration token, expected a sensitive Terraform variable or reference: a literal would be written into cdktf.out and state. Fix: RunnerToken.registrationToken(new TerraformVariable(this, "registration_token", { type: "string", sensitive: true }).stringValue).');
    }
    if (!options || typeof options !== 'object' || Array.isArray(options)) {
      throw GitlabRunnerError.at('token.options', `got ${JSON.stringify(options)}, expected registration settings such as { tagList: ["docker"], runUntagged: false }, or nothing. Fix: leave the argument out, or pass an object.`);
    }
    checkOptions(options);
    return new RunnerToken('registration', value, options);
  }

  private constructor(
    public readonly kind: 'authentication' | 'registration',
    /** The token reference (never a literal in a synthesized stack). */
    public readonly value: string,
    public readonly options: RegistrationOptions,
  ) {}

  /** `register` flags for the registration-only settings, one per line. */
  public registerArgs(): string[] {
    const o = this.options;
    const args: string[] = [];
    if (o.tagList !== undefined) args.push(`--tag-list=${joinableList(o.tagList, ',').join(',')}`);
    if (o.runUntagged !== undefined) args.push(`--run-untagged=${o.runUntagged}`);
    if (o.locked !== undefined) args.push(`--locked=${o.locked}`);
    if (o.accessLevel !== undefined) args.push(`--access-level=${o.accessLevel}`);
    if (o.maximumTimeoutSeconds !== undefined) args.push(`--maximum-timeout=${o.maximumTimeoutSeconds}`);
    if (o.paused !== undefined) args.push(`--paused=${o.paused}`);
    if (o.maintenanceNote !== undefined) args.push(`--maintenance-note=${o.maintenanceNote}`);
    return args;
  }
}

function checkOptions(o: RegistrationOptions): void {
  const unknown = Object.keys(o).filter((k) => !(k in REGISTRATION_ONLY));
  if (unknown.length > 0) {
    throw GitlabRunnerError.at(`token.options.${unknown[0]}`, `is not a registration setting; allowed: ${Object.keys(REGISTRATION_ONLY).join(', ')}. Fix: remove it or put runner settings in the runner's config.`);
  }
  if (o.tagList !== undefined && !Array.isArray(o.tagList)) {
    throw GitlabRunnerError.at('token.options.tagList', `got ${JSON.stringify(o.tagList)}, expected an array of tags. Fix: tagList: ["docker", "linux"].`);
  }
  if (o.tagList !== undefined && !isUnresolved(o.tagList)) {
    o.tagList.forEach((tag, i) => {
      if (!isUnresolved(tag) && (typeof tag !== 'string' || tag.trim() === '' || /[,\s]/.test(tag))) {
        throw GitlabRunnerError.at(`token.options.tagList[${i}]`, `got ${JSON.stringify(tag)}, expected a tag without commas or spaces. Fix: one tag per array entry, e.g. ["docker", "linux"].`);
      }
    });
  }
  if (o.maximumTimeoutSeconds !== undefined && !isUnresolved(o.maximumTimeoutSeconds) && (!Number.isInteger(o.maximumTimeoutSeconds) || o.maximumTimeoutSeconds < 600)) {
    throw GitlabRunnerError.at('token.options.maximumTimeoutSeconds', `got ${JSON.stringify(o.maximumTimeoutSeconds)}, expected a whole number of seconds >= 600 (GitLab's minimum of 10 minutes). Fix: maximumTimeoutSeconds: 3600.`);
  }
  if (o.accessLevel !== undefined && !['not_protected', 'ref_protected'].includes(o.accessLevel)) {
    throw GitlabRunnerError.at('token.options.accessLevel', `got ${JSON.stringify(o.accessLevel)}, expected "not_protected" or "ref_protected". Fix: accessLevel: "not_protected".`);
  }
  if (o.maintenanceNote !== undefined && /[\n\r]/.test(o.maintenanceNote)) {
    throw GitlabRunnerError.at('token.options.maintenanceNote', `got ${JSON.stringify(o.maintenanceNote)}, expected a single line. Fix: remove the line breaks.`);
  }
}
