/** Shapes of the rule tables each rule file exports (merged by index.ts). */
import type { TomlValue } from '../schema-types';
import type { Ctx, Visit } from './context';

/** Checks one well-typed, literal-or-partly-unresolved value of a key. */
export type KeyRule = (value: TomlValue, path: string, visit: Visit, ctx: Ctx) => void;

/** Checks a whole section table after its keys (required keys, combinations). */
export type SectionRule = (visit: Visit, ctx: Ctx) => void;

/** Rules of one file. Keys: `section/key` for key rules, `section` for section rules ('' = global). */
export interface RuleSet {
  readonly keys?: Readonly<Record<string, readonly KeyRule[]>>;
  readonly sections?: Readonly<Record<string, readonly SectionRule[]>>;
}
