/** (rules to come) */
import type { RuleSet } from './rule-types';

export const consistencyRules: RuleSet = {};

/** Placeholder; see below. */
export function checkStopTimeout(): never[] {
  return [];
}
