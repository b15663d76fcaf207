/**
 * Rejects props a construct does not know (a typo such as `runnerVerison` would otherwise be
 * ignored silently by JavaScript callers), with a "did you mean".
 */
import { GitlabRunnerError } from '../../errors';
import { closest } from '../config/validate/suggest';

export function checkKnownProps(props: object | undefined, known: readonly string[], path: string): void {
  if (!props || typeof props !== 'object') return;
  for (const key of Object.keys(props)) {
    if (known.includes(key) || (props as Record<string, unknown>)[key] === undefined) continue;
    const guess = closest(key, known);
    throw GitlabRunnerError.at(
      path ? `${path}.${key}` : key,
      `is not a property of ${path || 'the construct props'}; allowed: ${known.join(', ')}.${guess ? ` Fix: did you mean ${guess}?` : ' Fix: remove it.'}`,
    );
  }
}

export const BASTION_PROPS = ['host', 'port', 'user', 'privateKey', 'hostKey', 'jumpHost', 'connectTimeout'];
export const REGISTRY_MIRROR_PROPS = ['address', 'port', 'remoteUrl', 'image', 'bindToAddress'];
export const CACHE_SERVER_PROPS = ['address', 'port', 'bucket', 'accessKey', 'secretKey', 'image', 'bindToAddress'];
