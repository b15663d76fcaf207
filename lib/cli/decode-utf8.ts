/**
 * TOML files must be UTF-8 (TOML 1.0). Node's `readFileSync(file, 'utf8')` replaces invalid
 * bytes with U+FFFD silently, so `fmt` would rewrite them and `lint` would pass; instead the
 * CLI decodes strictly and names where the first invalid byte is.
 */

/** The text of `bytes`, or where its first invalid UTF-8 byte is (1-based line and column). */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { line: number; column: number; byte: number } {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return { text: strict.decode(bytes) };
  } catch {
    // The longest prefix that is valid UTF-8 so far (an unfinished sequence at its end is
    // allowed): validity of prefixes is monotone, so a binary search finds where it breaks.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (validPrefix(bytes.subarray(0, mid))) lo = mid;
      else hi = mid - 1;
    }
    // The first lo bytes decode, perhaps ending in an unfinished sequence: then the bad
    // sequence starts at that sequence's lead byte (at most 3 bytes back), else at lo.
    let start = lo;
    if (!validPrefix(bytes.subarray(0, lo), false)) {
      start = lo - 1;
      while (start > lo - 3 && (bytes[start] & 0xc0) === 0x80) start--;
    }
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, start));
    const lastNewline = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const column = [...before.slice(lastNewline + 1)].length + 1;
    return { line, column, byte: start };
  }
}

/** True when `bytes` is valid UTF-8; with `unfinished`, an unfinished last sequence is allowed. */
function validPrefix(bytes: Uint8Array, unfinished = true): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: unfinished });
    return true;
  } catch {
    return false;
  }
}
