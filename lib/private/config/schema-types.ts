/**
 * Shapes of the generated key table (schema.generated.ts). Pure data, no framework imports.
 */

/** A value that can appear in config.toml. */
export type TomlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | readonly TomlValue[]
  | { readonly [key: string]: TomlValue };

/** A TOML table as plain data, keys in TOML spelling. */
export interface TomlTable {
  [key: string]: TomlValue;
}

/**
 * How a key is typed in the runner's Go struct.
 * - `duration`: Go duration string such as "1h30m"; `datetime`: RFC 3339 offset datetime.
 * - `map<...>`: a table of arbitrary keys with values of one type; `free`: any TOML (plugin config,
 *   or a section we do not enumerate such as `[runners.kubernetes]`).
 * - `table` / `table[]`: a nested section described by `section`.
 */
export type KeyType =
  | 'string'
  | 'integer'
  | 'float'
  | 'bool'
  | 'duration'
  | 'datetime'
  | 'string[]'
  | 'float[]'
  | 'string|string[]'
  | 'map<string>'
  | 'map<bool>'
  | 'map<string[]>'
  | 'free'
  | 'table'
  | 'table[]';

export interface KeySpec {
  /** Exact TOML spelling (`IdleCount`, `idle_count`, `tls-ca-file`). */
  readonly key: string;
  /** camelCase TypeScript prop name, with the unit appended (`idleTimeSeconds`). */
  readonly prop: string;
  readonly type: KeyType;
  /** For `table` / `table[]`: the dotted section name of the child (`runners.machine.autoscaling`). */
  readonly section?: string;
  readonly enum?: readonly string[];
  /** The runner's own default (documentation only: we do not write defaults). */
  readonly default?: unknown;
  readonly unit?: 'seconds' | 'bytes' | 'kilobytes' | string;
  readonly required?: boolean;
  /** Runner version that stopped reading the key. */
  readonly removed?: string;
  readonly deprecated?: boolean;
  readonly replacedBy?: string;
  readonly since?: string;
  readonly registerFlag?: string;
  /** Redacted in previews; must come from a sensitive variable in synthesized stacks. */
  readonly secret?: boolean;
  /**
   * A section we do not enumerate (`runners.kubernetes`, `runners.monitoring`...): a known key
   * with no typed prop; it is set through the `rawToml` escape hatch.
   */
  readonly rawOnly?: boolean;
  readonly doc: string;
}

export interface SectionSpec {
  /** Dotted name (`runners.docker`); '' for the global section. */
  readonly name: string;
  readonly form: 'root' | 'table' | 'array';
  /** Base of the generated props interface name (`RunnerDocker` -> `RunnerDockerProps`). */
  readonly typeName: string;
  readonly docUrl: string;
  /** Arbitrary keys (plugin_config). */
  readonly freeForm?: boolean;
  readonly keys: readonly KeySpec[];
}

export interface RemovedKeySpec {
  /** Section the key used to live in ('' = global). */
  readonly section: string;
  readonly key: string;
  readonly replacedBy: string;
  readonly removed: string;
}
