/**
 * The one error class for bad input, and the diagnostics it carries.
 *
 * Every message names the property path, the value received, what is allowed and the fix, e.g.
 *   runners[0].machine.IdleTime: got 1800.5, expected a whole number of seconds >= 0. Fix: write 1800.
 */

export type DiagnosticLevel = 'error' | 'warning';

export interface Diagnostic {
  readonly level: DiagnosticLevel;
  /** Key path in TOML spelling (`runners[1].machine.autoscaling[0].Periods[0]`) or a construct prop path. */
  readonly path: string;
  /** The whole sentence after `path: `. */
  readonly message: string;
}

/** Formats a diagnostic as the CLI and the error text print it: `error: PATH: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.level}: ${d.path}: ${d.message}`;
}

/**
 * Thrown for bad input at synth time (construct props, config.toml model) and by the CLI.
 * `diagnostics` holds every error found, not only the first.
 */
export class GitlabRunnerError extends Error {
  public readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[] | Diagnostic) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics as Diagnostic];
    const errors = list.filter((d) => d.level === 'error');
    const shown = errors.length > 0 ? errors : list;
    super(
      shown.length === 1
        ? `${shown[0].path}: ${shown[0].message}`
        : `${shown.length} problems:\n${shown.map((d) => `  - ${d.path}: ${d.message}`).join('\n')}`,
    );
    this.name = 'GitlabRunnerError';
    this.diagnostics = list;
  }

  /** One error diagnostic. */
  static at(path: string, message: string): GitlabRunnerError {
    return new GitlabRunnerError({ level: 'error', path, message });
  }
}

/** Renders a received value for a message: strings quoted, long values shortened. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = value.toString();
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString();
  else if (value === undefined) text = 'nothing';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
