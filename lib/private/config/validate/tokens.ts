/**
 * Runner tokens and other secrets: shape of literal tokens (no whitespace, not a registration
 * token), registration-only settings that config.toml cannot hold (F03), whitespace in secrets.
 * Values are never echoed: messages show a redacted form (`"glrt-<redacted>\n"`).
 */
import type { TomlValue } from '../schema-types';
import type { Diagnostic } from '../../../errors';
import { Ctx, isUnresolved, joinPath, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';
import { redact } from '../secrets';

export { redact } from '../secrets';

export type TokenKind = 'authentication' | 'registration' | 'legacy' | 'reference' | 'empty';

const AUTH_PREFIX = /^glrt-(t[1-3]_)?/;
const REGISTRATION_PREFIX = /^(GR1348941|glrtr-)/;
const ENV_REFERENCE = /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * What a token value is: a deploy-time reference (cdktf token, or `$VAR` which the runner
 * expands from its environment), an authentication token (`glrt-`, optionally `t1_`..`t3_`), a
 * registration token (`GR1348941...`, `glrtr-...`), an older runner token, or empty.
 */
export function tokenKind(token: unknown): TokenKind {
  if (typeof token !== 'string') return 'reference';
  if (isUnresolved(token) || ENV_REFERENCE.test(token.trim())) return 'reference';
  const t = token.trim();
  if (t === '') return 'empty';
  if (AUTH_PREFIX.test(t)) return 'authentication';
  if (REGISTRATION_PREFIX.test(t)) return 'registration';
  return 'legacy';
}


function describeWhitespace(value: string): string {
  if (/\n$/.test(value) || /\r$/.test(value)) return 'a trailing newline';
  if (/\s$/.test(value)) return 'trailing whitespace';
  if (/^\s/.test(value)) return 'leading whitespace';
  return 'whitespace inside';
}

const TOKEN_FIX_ORIGIN =
  'create the runner in GitLab (UI, or POST /user/runners) and use its authentication token, which starts with glrt-';

/** `[[runners]] token`: literal shape checks. */
function checkToken(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const token = strValue(value);
  if (token === undefined) return;
  const kind = tokenKind(token);
  if (kind === 'reference') return;
  if (kind === 'empty') {
    ctx.error(path, `got ${redact(token)}, expected the runner authentication token. Fix: ${TOKEN_FIX_ORIGIN}.`);
    return;
  }
  if (/\s/.test(token)) {
    ctx.error(
      path,
      `got ${redact(token)} (${describeWhitespace(token)}), expected a token without whitespace. ` +
        'Fix: remove the whitespace (trim the value when you read it from a file or variable).',
    );
    return;
  }
  if (kind === 'registration') {
    ctx.error(
      path,
      `got ${redact(token)}, a registration token; config.toml needs the runner authentication token, not a registration token. ` +
        `Fix: ${TOKEN_FIX_ORIGIN} (registration tokens are deprecated and only work with gitlab-runner register).`,
    );
    return;
  }
  if (kind === 'authentication' && token.replace(AUTH_PREFIX, '') === '') {
    ctx.error(path, `got ${redact(token)}, a token prefix without a token. Fix: use the whole authentication token shown by GitLab.`);
  }
}

/**
 * Settings of `gitlab-runner register` that config.toml has no key for: with an authentication
 * token they live on the runner object in GitLab. Key -> the GitLab runner attribute.
 */
export const REGISTRATION_ONLY: Readonly<Record<string, string>> = {
  tag_list: 'tag_list',
  tags: 'tag_list',
  run_untagged: 'run_untagged',
  locked: 'locked',
  access_level: 'access_level',
  maximum_timeout: 'maximum_timeout',
  paused: 'paused',
  maintenance_note: 'maintenance_note',
};

/** Message for a registration-only setting written into `[[runners]]`, or undefined. */
export function registrationOnlyMessage(key: string, value: TomlValue, path: string, visit: Visit): string | undefined {
  if (key === 'registration_token') {
    return (
      'registration_token is not a config.toml key; config.toml holds the runner authentication token in token. ' +
      `Fix: remove registration_token and set token; ${TOKEN_FIX_ORIGIN}.`
    );
  }
  const attribute = REGISTRATION_ONLY[key];
  if (!attribute) return undefined;
  const kind = tokenKind(visit.table.token);
  const context =
    kind === 'authentication'
      ? 'this runner uses an authentication token (glrt-), so'
      : 'with an authentication token (glrt-)';
  return (
    `got ${show(value, path)}, but ${key} is not a config.toml key: ${context} it is a setting of the runner object in GitLab ` +
    `(and gitlab-runner register rejects it together with a glrt- token). ` +
    `Fix: remove ${key} here and set ${attribute} on the runner in GitLab (runner settings page, or the ${attribute} attribute of POST /user/runners).`
  );
}

/**
 * For construct props that carry registration settings next to a token: an error for each set
 * setting when the token is a literal authentication token. `settings` maps a prop path to its value.
 */
export function checkRegistrationSettings(token: unknown, settings: Readonly<Record<string, unknown>>): Diagnostic[] {
  if (tokenKind(token) !== 'authentication') return [];
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([path, v]) => ({
      level: 'error' as const,
      path,
      message:
        `got ${show(v, path)}, but with an authentication token (glrt-) this is a setting of the runner object in GitLab, not of the registration ` +
        '(gitlab-runner register rejects it). Fix: remove it here and set it on the runner in GitLab (runner settings page, or POST /user/runners).',
    }));
}

/** Secrets that never contain whitespace (access keys, session tokens, storage account keys). */
function checkCompactSecret(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const secret = strValue(value);
  if (secret === undefined || secret === '' || !/\s/.test(secret)) return;
  ctx.error(
    path,
    `got ${redact(secret)} (${describeWhitespace(secret)}), expected a key without whitespace. ` +
      'Fix: remove the whitespace (trim the value when you read it from a file or variable).',
  );
}

/** Passwords may contain spaces, but a trailing newline is almost always a file-read accident. */
function checkPassword(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const secret = strValue(value);
  if (secret === undefined || !/^\s|\s$/.test(secret)) return;
  ctx.warn(
    path,
    `got ${redact(secret)} (${describeWhitespace(secret)}); the whitespace becomes part of the password. ` +
      'Fix: trim the value unless the whitespace is really part of the password.',
  );
}

/** Duplicate tokens across runners (checked at the global section). */
function checkDuplicateTokens(visit: Visit, ctx: Ctx): void {
  const runners = visit.table.runners;
  if (!Array.isArray(runners)) return;
  const seen = new Map<string, number>();
  runners.forEach((runner: TomlValue, i: number) => {
    if (typeof runner !== 'object' || runner === null || Array.isArray(runner) || runner instanceof Date) return;
    const token = strValue((runner as Record<string, TomlValue>).token);
    if (token === undefined || tokenKind(token) === 'reference' || tokenKind(token) === 'empty') return;
    const first = seen.get(token);
    if (first === undefined) {
      seen.set(token, i);
      return;
    }
    ctx.warn(
      joinPath(`runners[${i}]`, 'token'),
      `is the same token as runners[${first}].token; two [[runners]] entries with one token poll the same runner twice. ` +
        'Fix: give each entry its own runner (its own token), or merge the entries.',
    );
  });
}

export const tokenRules: RuleSet = {
  keys: {
    'runners/token': [checkToken],
    'runners.cache.s3/AccessKey': [checkCompactSecret],
    'runners.cache.s3/SecretKey': [checkCompactSecret],
    'runners.cache.s3/SessionToken': [checkCompactSecret],
    'runners.cache.azure/AccountKey': [checkCompactSecret],
    'runners.ssh/password': [checkPassword],
    'runners.autoscaler.connector_config/password': [checkPassword],
    'runners.autoscaler.vm_isolation.connector_config/password': [checkPassword],
  },
  sections: {
    '': [checkDuplicateTokens],
  },
};
