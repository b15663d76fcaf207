/**
 * The only place the pure modules touch the framework: deciding whether a value is a
 * deploy-time reference (a cdktf token). Swapping cdktf for cdktn changes this import only.
 */
import { Fn, Lazy, TerraformResource, Token, Tokenization } from 'cdktf';

/** True for Terraform references and other values known only at deploy time. */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'number') return isNumberToken(value);
  if (typeof value === 'string') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value);
  return false;
}

/**
 * cdktf encodes number tokens as doubles of one huge negative range (about -1.9e289 and
 * beyond), so a literal such as -8.1e298 looks like one. Only a number cdktf actually issued
 * is a token; any other is a literal, validated and written like every other number.
 */
function isNumberToken(value: number): boolean {
  if (!Token.isUnresolved(value)) return false;
  try {
    return Tokenization.reverseNumber(value) !== undefined;
  } catch {
    return false; // "unknown number Token": not one of this app's tokens
  }
}

/** cdktf's text form of an unresolved string token inside a larger string. */
const TOKEN_TEXT = /\$\{TfToken\[[^\]]+\]\}/g;

/**
 * Escapes literal text for a Terraform string (`${` -> `$${`, `%{` -> `%%{`) so shell and TOML
 * text reaches the host byte for byte, while cdktf tokens embedded in it still resolve.
 * cdktf does not escape literal strings itself.
 */
export function escapeTerraformTemplate(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN_TEXT)) {
    out += escapeLiteral(text.slice(last, m.index)) + m[0];
    last = (m.index ?? 0) + m[0].length;
  }
  return out + escapeLiteral(text.slice(last));
}

function escapeLiteral(text: string): string {
  // Function replacements: in a replacement string "$$" would mean a single "$".
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * A string that validation treats as known only at deploy time and whose text is `text`
 * (used for the runner token that `gitlab-runner register` obtains on the host).
 */
export function deployTimePlaceholder(text: string): string {
  return Lazy.stringValue({ produce: () => text });
}

/** Terraform expression for the sha256 of a (sensitive) value: changes when the value does. */
export function fingerprint(value: string): string {
  return Fn.sha256(value);
}

/** The deploy-time references (cdktf token texts) inside `text`, in order. */
export function referencesIn(text: string): string[] {
  return [...text.matchAll(TOKEN_TEXT)].map((m) => m[0]);
}

/**
 * For a text that holds deploy-time references: a reference to Terraform's `base64encode` of
 * the text, which resolves to `[A-Za-z0-9+/=]` only and so is safe in any shell quoting (a
 * referenced value may hold quotes, `$(...)` or newlines). Undefined when `text` has none.
 */
export function base64OfReferences(text: string): string | undefined {
  if (!text.includes('${TfToken[') || referencesIn(text).length === 0) return undefined;
  return Fn.base64encode(escapeTerraformTemplate(text));
}

/**
 * `list` as a list of strings: itself, or for a list token (a `list(string)` variable's
 * `.listValue`, known only at deploy time) one string, Terraform's `join(separator, list)`. A
 * list token cannot be joined in TypeScript (cdktf: "Cannot concatenate strings in a tokenized
 * string array").
 */
export function joinableList(list: readonly unknown[], separator: string): string[] {
  if (Array.isArray(list) && Token.isUnresolved(list)) return [Token.asString(Fn.join(separator, list as string[]))];
  return list.map(String);
}

/** How many characters a deploy-time reference counts for in `layoutLength`. */
const REFERENCE_WIDTH = 20;

/**
 * The length of `text` for layout decisions (where an array is wrapped), with each deploy-time
 * reference counted as a fixed width: cdktf's token text grows with its counter
 * (`TOKEN.9` vs `TOKEN.123`), so the real length would change the layout whenever unrelated
 * tokens are created elsewhere in the app.
 */
export function layoutLength(text: string): number {
  if (!text.includes('${TfToken[')) return text.length;
  let length = text.length;
  for (const m of text.matchAll(TOKEN_TEXT)) length += REFERENCE_WIDTH - m[0].length;
  return length;
}

/** `text` with every deploy-time reference replaced by `placeholder` (for previews and hashes). */
export function withoutReferences(text: string, placeholder: string): string {
  return replaceReferences(text, () => placeholder);
}

/** `text` with every deploy-time reference (its cdktf token text) replaced by `replace(tokenText)`. */
export function replaceReferences(text: string, replace: (tokenText: string) => string): string {
  return text.replace(TOKEN_TEXT, replace);
}

/**
 * Terraform-side sha256 of the values `text` references (so a trigger changes when a
 * referenced value does, and cdktf's token numbering never matters); undefined when `text`
 * references nothing.
 */
export function referencesFingerprint(text: string): string | undefined {
  const refs = referencesIn(text);
  return refs.length === 0 ? undefined : Fn.sha256(refs.join(' '));
}

/**
 * The Terraform addresses of `resources` (`terraform_data.ci_prepare_981815AB`) as one list
 * resolved at synth (so a later overrideLogicalId still counts), for a depends_on override.
 */
export function dependencyAddresses(resources: readonly TerraformResource[]): string[] {
  return Lazy.listValue({ produce: () => resources.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`) });
}
