/**
 * Text form of an unresolved number token. cdktf encodes number tokens as special doubles
 * (`Token.asNumber`); inside a rendered string they must appear as `${TfToken[TOKEN.n]}`, which
 * cdktf resolves at synth time. Kept apart from framework.ts (owned by the constructs layer) so
 * the config model stays the only user; the lead may move it there.
 */
import { Token } from 'cdktf';

/** `${TfToken[TOKEN.n]}` for a number token. */
export function numberTokenText(value: number): string {
  return Token.asString(value);
}
