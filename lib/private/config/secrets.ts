/**
 * Which values are secrets, decided in one place, and how a value is shown in a message.
 *
 * A value is a secret when its key is one the schema flags (`token`, `SecretKey`, `AccountKey`,
 * passwords...), when it is a raw (untyped) key whose name says it holds a secret
 * (`bearer_token`, `api_key`...), or when it is anywhere inside such a value (`SecretKey =
 * ["..."]`). Messages also hide the value of an unknown key that is a misspelling of a secret key
 * (`tokn`, `secretKey` on an import), the value part of credential entries in key=value lists
 * (`MachineOptions = ["amazonec2-secret-key=..."]`, `environment = ["AWS_SECRET_ACCESS_KEY ..."]`,
 * whatever separator follows the name), and the credentials of a URL (`https://user:password@host`
 * in any value: `url`, `clone_url`, a proxy in `environment`...).
 *
 * `showAt(path, value)` is what every message uses to show a value: the value itself for other
 * keys, a redacted description for secrets (type, length, well-known prefix, surrounding
 * whitespace), and tables/arrays with their secret parts redacted. `scrubSecrets()` is the safety
 * net: it replaces any secret literal of the data that a message still contains.
 */
import { showValue, type Diagnostic } from '../../errors';
import { isDate, isPlainObject } from './float-marks';
import { ROOT_SECTION, sectionIndex, type SectionIndex } from './schema-index';
import type { KeySpec } from './schema-types';
import { closest } from './validate/suggest';

/**
 * Names that say they hold a secret, in any spelling (`secret_key`, `secret-key`, `SecretKey`,
 * `secretkey`): raw (untyped) keys (`bearer_token` in `[runners.kubernetes]`, `api_key`, keys of a
 * table inside an entry list), docker-machine driver flags (`amazonec2-secret-key`,
 * `digitalocean-access-token`, `azure-client-secret`...) and environment variables
 * (`AWS_SECRET_ACCESS_KEY`, `GITLAB_TOKEN`...). One rule for keys and entries.
 */
export const CREDENTIAL_NAME = /(token|password|passwd|secret)([-_]?key)?$|(access|api|private|account)[-_]?key$|(^|[-_])(pass|pwd|auth|credentials?)$|auth[-_]?config$/i;

/**
 * Raw (untyped) keys whose name says they hold a secret: treated as secrets for redaction,
 * `secrets()` and messages, like the keys the schema flags. The same rule as entry names.
 */
export const RAW_SECRET_KEY = CREDENTIAL_NAME;

/** Keys whose value is a list of `name=value` entries that may carry credentials. */
const ENTRY_LISTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['runners', new Set(['environment'])],
  ['runners.docker.services', new Set(['environment'])],
  ['runners.machine', new Set(['MachineOptions', 'MachineOptionsWithName'])],
]);

/** True when `key` of section `section` (TOML spelling, e.g. `runners.machine` / `MachineOptions`) is a list of `name=value` entries. */
export function isEntryList(section: string, key: string): boolean {
  return ENTRY_LISTS.get(section)?.has(key) === true;
}

/** What shows in a message instead of a secret's content. */
export const REDACTED_TEXT = '<redacted>';

/**
 * True when `key` of a table holds a secret, as the renderer decides (`secrets()`,
 * `renderRedacted()`): the schema flag for a known key, else the raw-name rule when the table's
 * unknown keys are raw. `spec` is the key's schema entry, if any.
 */
export function isSecretKey(spec: KeySpec | undefined, key: string, rawNames: boolean): boolean {
  if (spec) return spec.secret === true;
  return rawNames && RAW_SECRET_KEY.test(key);
}

/** Where a value sits, as far as secrets are concerned. */
interface Pos {
  /** The value is a secret (or inside one). */
  readonly secret: boolean;
  /** How the value's own keys are read when it is a table. */
  readonly kind: 'section' | 'map' | 'raw';
  readonly section?: SectionIndex;
  /** The value is (or is an element of) a list of `name=value` entries. */
  readonly entries?: boolean;
}

const ROOT_POS: Pos = { secret: false, kind: 'section', section: ROOT_SECTION };
const SECRET_POS: Pos = { secret: true, kind: 'raw' };

/** Secret key names of each section (TOML spelling and prop spelling), for the misspelling rule. */
const SECRET_NAMES = new Map<SectionIndex, string[]>();
function secretNamesOf(section: SectionIndex): string[] {
  let names = SECRET_NAMES.get(section);
  if (!names) {
    names = [...section.byKey.values()].filter((k) => k.secret).flatMap((k) => [k.key, k.prop]);
    SECRET_NAMES.set(section, names);
  }
  return names;
}

const RAW_POS: Pos = { secret: false, kind: 'raw' };
const MAP_POS: Pos = { secret: false, kind: 'map' };
const ENTRIES_POS: Pos = { secret: false, kind: 'raw', entries: true };

/** posOfSpec results: a key's position depends only on its spec (walks visit every key of 1,000s of runners). */
const SPEC_POS = new WeakMap<KeySpec, Pos>();

function posOfSpec(spec: KeySpec, parent: SectionIndex): Pos {
  let pos = SPEC_POS.get(spec);
  if (pos === undefined) {
    pos = computePosOfSpec(spec, parent);
    SPEC_POS.set(spec, pos);
  }
  return pos;
}

function computePosOfSpec(spec: KeySpec, parent: SectionIndex): Pos {
  if (spec.secret) return SECRET_POS;
  if ((spec.type === 'table' || spec.type === 'table[]') && spec.section) {
    const section = sectionIndex(spec.section);
    if (section && !section.spec.freeForm) return { secret: false, kind: 'section', section };
    return RAW_POS;
  }
  if (spec.type.startsWith('map<')) return MAP_POS;
  if (ENTRY_LISTS.get(parent.spec.name)?.has(spec.key)) return ENTRIES_POS;
  return RAW_POS;
}

/** The position of `parent[key]` (TOML spelling, or prop spelling on the props side). */
function childPos(parent: Pos, key: string): Pos {
  if (parent.secret) return SECRET_POS;
  if (parent.kind === 'section' && parent.section) {
    const section = parent.section;
    const form = section.spec.form;
    if (key === 'rawToml' && (form === 'root' || section.spec.name === 'runners')) return parent; // the escape hatch holds TOML keys of the same section
    const spec = section.byKey.get(key) ?? section.byProp.get(key);
    if (spec) return posOfSpec(spec, section);
    // An unknown key: secret by its name, or as a misspelling of a secret key of the section.
    const secret = RAW_SECRET_KEY.test(key) || closest(key, secretNamesOf(section)) !== undefined;
    return secret ? SECRET_POS : RAW_POS;
  }
  if (parent.kind === 'map') return RAW_POS;
  if (RAW_SECRET_KEY.test(key)) return SECRET_POS;
  // A table inside an entry list (`MachineOptions = [{ "amazonec2-secret-key" = "..." }]`): its strings are entries too.
  return parent.entries ? parent : RAW_POS;
}

/**
 * Splits a diagnostic path (`runners[0].cache.s3.SecretKey`, `sysctls."net.ipv4.ip_forward"`,
 * `runners[1].rawToml.kubernetes.bearer_token`) into keys; indices are dropped (an element sits
 * where its array sits). Undefined for paths that are not key paths (`config.toml:3:7`).
 */
function pathKeys(path: string): string[] | undefined {
  const keys: string[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
    } else if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
      try {
        keys.push(JSON.parse(path.slice(i, j + 1)) as string);
      } catch {
        return undefined;
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      keys.push(path.slice(i, j));
      i = j;
    }
  }
  return keys;
}

const POS_CACHE = new Map<string, Pos>();

/** The position of the value a diagnostic path names. */
function posOfPath(path: string): Pos {
  let pos = POS_CACHE.get(path);
  if (pos) return pos;
  pos = ROOT_POS;
  for (const key of pathKeys(path) ?? []) pos = childPos(pos, key);
  if (POS_CACHE.size < 10000) POS_CACHE.set(path, pos);
  return pos;
}

/**
 * True when the value at a diagnostic path (TOML or prop spelling) is a secret or inside one,
 * including unknown keys named like a secret or misspelling one. Messages for such a path must
 * not contain the value: use `showAt`.
 */
export function isSecretPath(path: string): boolean {
  return posOfPath(path).secret;
}

/** Token prefixes a message may keep: they tell the kind of token, not the token. */
const WELL_KNOWN_PREFIX = /^(glrt-(t[1-3]_)?|glrtr-|GR1348941|glpat-|gldt-|glcbt-)/;

/** A secret string for a message: its well-known prefix, `<redacted>`, and leading/trailing whitespace, quoted. */
export function redact(secret: string): string {
  const lead = /^\s*/.exec(secret)?.[0] ?? '';
  const trail = /\s*$/.exec(secret.slice(lead.length))?.[0] ?? '';
  const core = secret.slice(lead.length, secret.length - trail.length);
  const prefix = WELL_KNOWN_PREFIX.exec(core)?.[0] ?? '';
  const body = core === '' ? '' : `${prefix}${REDACTED_TEXT}`;
  return JSON.stringify(lead).slice(0, -1) + body + JSON.stringify(trail).slice(1);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * What a message says about a secret value: never its content. Strings give their redacted form
 * and length (`"glrt-<redacted>\n" (30 characters)`); other values their type and size
 * (`an integer of 20 digits`, `an array of 1 string`, `a table of 2 keys`).
 */
export function describeSecret(value: unknown): string {
  if (typeof value === 'string') return `${redact(value)} (${plural(value.length, 'character')})`;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
    const digits = (typeof value === 'bigint' ? value : BigInt(value)).toString().replace('-', '').length;
    return `an integer of ${plural(digits, 'digit')}`;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number with a fraction' : 'a non-finite number';
  if (typeof value === 'boolean') return 'a boolean';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (isDate(value)) return 'a date-time';
  if (Array.isArray(value)) {
    const types = new Set(value.map((e) => (typeof e === 'string' ? 'string' : 'value')));
    const word = types.size === 1 && types.has('string') ? 'string' : 'value';
    return `an array of ${plural(value.length, word)}`;
  }
  if (typeof value === 'object') return `a table of ${plural(Object.keys(value).length, 'key')}`;
  return `a ${typeof value}`;
}

/**
 * An entry's name and separator: optional whitespace and dashes, the name (up to the first `=`,
 * `:` or whitespace), then whitespace and at most one `=` or `:`. `--amazonec2-secret-key=...`,
 * `GITLAB_TOKEN: ...`, `AWS_SECRET_ACCESS_KEY ...`, `name\t...`.
 */
const ENTRY_HEAD = /^\s*-*([^\s=:]+)(\s*[=:]|\s+)/;

/** The name of a credential entry that has a value (`amazonec2-secret-key` of `--amazonec2-secret-key ...`), else undefined. */
export function credentialEntryName(entry: string): string | undefined {
  return credentialHead(entry)?.[1];
}

/** ENTRY_HEAD's match when `entry` is a credential entry with a value, else undefined. */
function credentialHead(entry: string): RegExpExecArray | undefined {
  const m = ENTRY_HEAD.exec(entry);
  if (!m || !CREDENTIAL_NAME.test(m[1])) return undefined;
  // a Docker auth config without any credential in it (`{"auths":{}}`, as register writes it) is none
  if (/auth[-_]?config$/i.test(m[1]) && !/"(auth|password|identitytoken|registrytoken)"\s*:/i.test(entry.slice(m[0].length))) return undefined;
  return m;
}

/**
 * Where the value of a credential entry starts (after the name and its separator, see
 * `ENTRY_HEAD`), or -1 when the entry is not a credential.
 */
function credentialValueStart(entry: string): number {
  return credentialHead(entry)?.[0].length ?? -1;
}

/**
 * `user:password@` at the start of an entry's value: a proxy or URL written without a scheme
 * (`PROXY=user:pw@proxy.example.com:3128`). A colon is required, so `MAIL=ci@example.com` is not one.
 */
const ENTRY_USERINFO = /^(\s*-*[^\s=:]+(?:\s*[=:]|\s+)\s*)([^\s/?#@:]+:[^\s/?#@]*)@/;

/** True when an entry's value starts with `user:password@` (see ENTRY_USERINFO). */
export function hasEntryUserinfo(entry: string): boolean {
  return entry.includes('@') && ENTRY_USERINFO.test(entry);
}

/**
 * `name=<redacted>` for a credential entry (`--amazonec2-secret-key=...`, `AWS_SECRET_ACCESS_KEY ...`),
 * `NAME=<redacted>@host` for a value that starts with `user:password@`, else the entry unchanged.
 */
export function redactEntry(entry: string, mark: string = REDACTED_TEXT): string {
  const start = credentialValueStart(entry);
  if (start >= 0) return `${entry.slice(0, start)}${mark}`;
  return hasEntryUserinfo(entry) ? entry.replace(ENTRY_USERINFO, (_all, head: string) => `${head}${mark}@`) : entry;
}

/**
 * The userinfo of a URL anywhere in a text: `scheme://` then everything up to the last `@` before
 * the authority ends (`/`, `?`, `#` or whitespace). A password may itself contain `@`.
 */
const URL_USERINFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/g;

/**
 * `text` with the credentials of every URL in it (`https://user:password@host`) replaced by
 * `mark`: `https://<redacted>@host`. The user goes too: a token is often given as the user name.
 */
export function redactUrlCredentials(text: string, mark: string = REDACTED_TEXT): string {
  if (!text.includes('@')) return text;
  return text.replace(URL_USERINFO, (_all, scheme: string) => `${scheme}${mark}@`);
}

/** The URL credentials (the userinfo: `user:password`, `user`, `password`) in a text, for the safety net. */
function urlCredentials(text: string): string[] {
  if (!text.includes('@')) return [];
  const found: string[] = [];
  for (const m of text.matchAll(URL_USERINFO)) {
    const userinfo = m[0].slice(m[1].length, -1);
    const colon = userinfo.indexOf(':');
    found.push(userinfo, ...(colon < 0 ? [] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)]));
  }
  return found;
}

/**
 * A string value with its secret parts replaced by `mark`: URL credentials always, the value of a
 * credential entry when the string sits in an entry list. What messages show (`<redacted>`) and
 * what `renderRedacted()` writes (`[REDACTED]`) go through here.
 */
export function redactText(value: string, entries: boolean, mark: string = REDACTED_TEXT): string {
  const shown = entries ? redactEntry(value, mark) : value;
  return redactUrlCredentials(shown, mark);
}

/** True when the string at diagnostic path `path` sits in (or in a table inside) a list of `name=value` entries. */
export function isEntryPath(path: string): boolean {
  return posOfPath(path).entries === true;
}

/** A copy of `value` with every secret inside replaced by `<redacted>`; `value` itself when it has none. */
function redactTree(value: unknown, pos: Pos): unknown {
  if (pos.secret) return value === undefined ? value : REDACTED_TEXT;
  if (typeof value === 'string') return redactText(value, pos.entries === true);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((e) => {
      const r = redactTree(e, pos);
      if (r !== e) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const e = value[key];
      const r = redactTree(e, childPos(pos, key));
      if (r !== e) changed = true;
      out[key] = r;
    }
    return changed ? out : value;
  }
  return value;
}

/**
 * The received value at `path` for a message, through `show` (the caller's formatter, default
 * `showValue`): a redacted description when the path is a secret, the value with its secret parts
 * redacted otherwise.
 */
export function showAt(path: string, value: unknown, show: (v: unknown) => string = showValue): string {
  const pos = posOfPath(path);
  if (pos.secret) return describeSecret(value);
  if (typeof value === 'string' && URL_KEY.test(path)) return show(redactText(redactSchemelessUserinfo(value), pos.entries === true));
  return show(redactTree(value, pos));
}

/** Keys that hold a URL or an address (`url`, `clone_url`, `ServerAddress`, `listen_address`...). */
const URL_KEY = /(^|[._\]])(url|clone_url|[A-Za-z]*_url|[A-Za-z]*URL|ServerAddress|[a-z_]*address)(\[\d+\])?$/;

/**
 * A URL written without its scheme still carries credentials before its `@`
 * (`user:password@gitlab.example.com`): shown as `<redacted>@gitlab.example.com`.
 */
function redactSchemelessUserinfo(text: string): string {
  if (text.includes('://') || !text.includes('@')) return text;
  return text.replace(/^(\s*)[^\s/?#]*@/, (_all, lead: string) => `${lead}${REDACTED_TEXT}@`);
}

/** `value` with its secret parts redacted, for callers that format it themselves (e.g. a fix text). */
export function redactAt(path: string, value: unknown): unknown {
  return redactTree(value, posOfPath(path));
}

// ---------------------------------------------------------------------------------------------
// Safety net

/**
 * Shortest secret literal the scrubber looks for (shorter ones would match ordinary words); a
 * literal must also have more than a well-known prefix (`glrt-t2_` alone is what messages show).
 */
const MIN_SCRUB = 8;

function scrubbable(s: string): boolean {
  const t = s.trim();
  return t.length >= MIN_SCRUB && t.replace(WELL_KNOWN_PREFIX, '').length >= 4;
}

/** Every secret literal (strings, numbers as written) in a props or data tree. */
export function secretLiterals(tree: unknown): string[] {
  const found = new Set<string>();
  const inside = new Set<object>(); // props may hold a cycle (mapping reports it): never enter an ancestor
  const visit = (value: unknown, pos: Pos): void => {
    if (typeof value === 'object' && value !== null) {
      if (inside.has(value)) return;
      inside.add(value);
      visitInside(value, pos);
      inside.delete(value);
      return;
    }
    visitInside(value, pos);
  };
  const visitInside = (value: unknown, pos: Pos): void => {
    if (pos.secret) {
      collect(value, found, new Set());
      return;
    }
    if (typeof value === 'string') {
      const start = pos.entries ? credentialValueStart(value) : -1;
      if (start >= 0) {
        found.add(value.slice(start));
        found.add(value.slice(start).trim());
      }
      const userinfo = pos.entries ? ENTRY_USERINFO.exec(value) : null;
      if (userinfo) found.add(userinfo[2]);
      for (const c of urlCredentials(value)) found.add(c);
    } else if (Array.isArray(value)) {
      for (const e of value) visit(e, pos);
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) visit(value[key], childPos(pos, key));
    }
  };
  visit(tree, ROOT_POS);
  return [...found].filter(scrubbable);
}

function collect(value: unknown, found: Set<string>, seen: Set<object>): void {
  if (typeof value === 'object' && value !== null) {
    if (seen.has(value)) return; // a cycle, or a part already collected
    seen.add(value);
  }
  if (typeof value === 'string') {
    found.add(value);
    found.add(value.trim());
  } else if (typeof value === 'bigint' || typeof value === 'number') {
    found.add(String(value));
  } else if (Array.isArray(value)) {
    for (const e of value) collect(e, found, seen);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) collect(value[key], found, seen);
  }
}

/**
 * Diagnostics with every occurrence of a secret literal of `trees` (as written, or as a JSON string
 * body) replaced by `<redacted>`, and the credentials of every URL in a message redacted.
 * Messages are built to not contain secrets (`showAt`); this catches what a message builder
 * missed. Returns the same array when nothing changed.
 */
export function scrubSecrets(diagnostics: readonly Diagnostic[], ...trees: unknown[]): Diagnostic[] {
  if (diagnostics.length === 0) return diagnostics as Diagnostic[];
  const literals = new Set<string>();
  for (const tree of trees) for (const s of secretLiterals(tree)) {
    literals.add(s);
    literals.add(JSON.stringify(s).slice(1, -1));
  }
  const sorted = [...literals].filter(scrubbable).sort((a, b) => b.length - a.length);
  // Literals by their first MIN_SCRUB characters: a message is searched only for the literals
  // whose start occurs in it (a config with 1,000 runners has thousands of literals), and each
  // distinct message once (the same warning for every runner has the same text).
  const byPrefix = new Map<string, string[]>();
  for (const lit of sorted) {
    const key = lit.slice(0, MIN_SCRUB);
    const list = byPrefix.get(key);
    if (list) list.push(lit);
    else byPrefix.set(key, [lit]);
  }
  const scrubbed = new Map<string, string>();
  const scrub = (text: string): string => {
    let message = redactUrlCredentials(text);
    const candidates = new Set<string>();
    for (let i = 0; i + MIN_SCRUB <= message.length; i++) for (const lit of byPrefix.get(message.slice(i, i + MIN_SCRUB)) ?? []) candidates.add(lit);
    for (const lit of [...candidates].sort((a, b) => b.length - a.length)) if (message.includes(lit)) message = message.split(lit).join(REDACTED_TEXT);
    return message;
  };
  let changed = false;
  const out = diagnostics.map((d) => {
    let message = scrubbed.get(d.message);
    if (message === undefined) scrubbed.set(d.message, (message = scrub(d.message)));
    if (message === d.message) return d;
    changed = true;
    return { ...d, message };
  });
  return changed ? out : (diagnostics as Diagnostic[]);
}
