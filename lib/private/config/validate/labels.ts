/** (rules to come) */
import type { RuleSet } from './rule-types';

export const labelRules: RuleSet = {};
