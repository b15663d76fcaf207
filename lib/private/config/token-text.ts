/**
 * Text form of an unresolved number token. cdktf encodes number tokens as special doubles
 * (`Token.asNumber`); inside a rendered string they must appear as `${TfToken[TOKEN.n]}`, which
 * cdktf resolves at synth time. Kept apart from framework.ts (owned by the constructs layer) so
 * the config model stays the only user; the lead may move it there.
 */
import { Fn, Token, Tokenization } from 'cdktf';
import { replaceReferences } from '../framework';

/**
 * `${TfToken[TOKEN.n]}` for a number token: the same text on every call for the same token
 * (`Token.asString(number)` would register a new token each time, so two renders would differ).
 */
export function numberTokenText(value: number): string {
  const resolvable = Tokenization.reverseNumber(value);
  return resolvable ? Token.asString(resolvable) : Token.asString(value);
}

const LIST_TEXT = new Map<string, string>();

/**
 * For an unresolved list (`Token.asList`, a list variable's `.listValue`): the token text of
 * `jsonencode(list)`, written unquoted. A JSON array of strings or numbers is a valid TOML
 * inline array, so the list is written whole at deploy time. Cached per list token, so every
 * render gives the same text.
 */
export function listTokenText(list: readonly unknown[]): string {
  const key = String(list[0]);
  let text = LIST_TEXT.get(key);
  if (text === undefined) {
    text = Token.asString(Fn.jsonencode(list));
    LIST_TEXT.set(key, text);
  }
  return text;
}

const TOML_TEXT = new Map<string, string>();

/**
 * `text` (a string value about to be written between TOML quotes) with each deploy-time
 * reference in it replaced by a reference to its value escaped for a TOML basic string, so a
 * value holding `"`, `\`, a newline or a tab gives valid TOML with exactly that value. The
 * escaping is Terraform's `jsonencode` (its escapes are TOML's too) without the quotes, with `@`
 * written `\u0040`, so no deploy-time value can form a `@@GLR_SECRET:...@@` marker that the host
 * would replace with a secret, and DEL (JSON keeps it, TOML refuses it) written `\u007F`.
 * Cached per reference: every render gives the same text.
 */
export function tomlEscapedReferences(text: string): string {
  return replaceReferences(text, (tokenText) => {
    let out = TOML_TEXT.get(tokenText);
    if (out === undefined) {
      const json = Fn.trimsuffix(Fn.trimprefix(Fn.jsonencode(tokenText), '\\"'), '\\"'); // cdktf wants the quote escaped
      // cdktf writes these arguments into HCL strings as they are: HCL must see `\\u0040` (text) and `\u007f` (DEL)
      out = Token.asString(Fn.replace(Fn.replace(json, '@', '\\\\u0040'), '\\u007f', '\\\\u007F'));
      TOML_TEXT.set(tokenText, out);
    }
    return out;
  });
}
