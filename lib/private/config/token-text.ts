/**
 * Text form of an unresolved number token. cdktf encodes number tokens as special doubles
 * (`Token.asNumber`); inside a rendered string they must appear as `${TfToken[TOKEN.n]}`, which
 * cdktf resolves at synth time. Kept apart from framework.ts (owned by the constructs layer) so
 * the config model stays the only user; the lead may move it there.
 */
import { Token, Tokenization } from 'cdktf';

/**
 * `${TfToken[TOKEN.n]}` for a number token: the same text on every call for the same token
 * (`Token.asString(number)` would register a new token each time, so two renders would differ).
 */
export function numberTokenText(value: number): string {
  const resolvable = Tokenization.reverseNumber(value);
  return resolvable ? Token.asString(resolvable) : Token.asString(value);
}
