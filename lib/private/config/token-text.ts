/**
 * Text form of an unresolved number token. cdktf encodes number tokens as special doubles
 * (`Token.asNumber`); inside a rendered string they must appear as `${TfToken[TOKEN.n]}`, which
 * cdktf resolves at synth time. Kept apart from framework.ts (owned by the constructs layer) so
 * the config model stays the only user; the lead may move it there.
 */
import { Fn, Token, Tokenization } from 'cdktf';

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
