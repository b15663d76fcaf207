/**
 * The typed model of GitLab Runner's config.toml: props in, validated canonical TOML out.
 */
import { parse, TomlError } from 'smol-toml';
import { GitlabRunnerError, type Diagnostic } from '../errors';
import { markParsedFloats } from '../private/config/float-marks';
import { dataToProps, propsToData } from '../private/config/mapping';
import type { TomlTable } from '../private/config/schema-types';
import { scrubSecrets } from '../private/config/secrets';
import { emitToml, type EmitOptions, type SecretRef } from '../private/config/toml-emit';
import { validateConfig } from '../private/config/validate';
import type { RunnerConfigProps } from './props.generated';

export type { SecretRef } from '../private/config/toml-emit';
export type { TomlTable, TomlValue } from '../private/config/schema-types';

/** What `renderRedacted()` writes in place of every secret value. */
export const REDACTED = '[REDACTED]';

export interface RenderOptions {
  /**
   * Replacement for each secret value (runner tokens, cache keys, passwords...). The returned
   * text is written as the TOML string value, quoted and escaped like any other string.
   * @default - secrets are written as given (a literal, or an unresolved token)
   */
  readonly secret?: (ref: SecretRef) => string;
}

export interface FromTomlOptions {
  /**
   * Name used in parse error paths (`FILE:line:column`).
   * @default "config.toml"
   */
  readonly source?: string;
}

/**
 * A config.toml: typed props, the TOML data tree they map to, its diagnostics and its canonical
 * rendering.
 *
 * The constructor never throws: problems are in `diagnostics()`, and `render()` throws a
 * `GitlabRunnerError` listing every error. Values may be unresolved cdktf tokens (Terraform
 * references known only at deploy time): they are written as their token text and skip the
 * literal-only checks.
 *
 * @example
 * const config = new RunnerConfig({
 *   concurrent: 4,
 *   runners: [{ name: 'docker', url: 'https://gitlab.example.com', token: runnerToken.stringValue,
 *     executor: 'docker', docker: { image: 'alpine:3.20' } }],
 * });
 * const toml = config.render();
 */
export class RunnerConfig {
  /**
   * Imports an existing config.toml (e.g. a hand-written one) into the model. Keys without a typed
   * prop (unknown, removed, `[runners.kubernetes]`, wrongly typed values) land in `rawToml`
   * unchanged, so `diagnostics()` reports them and `render()` gives back the same data.
   * Throws GitlabRunnerError (path `FILE:line:column`) when the text is not valid TOML.
   */
  static fromToml(text: string, options: FromTomlOptions = {}): RunnerConfig {
    let data: TomlTable;
    try {
      // A leading byte order mark is skipped, as the runner's TOML decoder does.
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      data = parse(body, { integersAsBigInt: true, unsafeKeyBehaviour: 'throw' }) as TomlTable;
    } catch (e) {
      if (e instanceof TomlError) {
        const reason = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
        throw GitlabRunnerError.at(
          `${options.source ?? 'config.toml'}:${e.line}:${e.column}`,
          `invalid TOML: ${reason}. Fix: correct the TOML syntax at line ${e.line}, column ${e.column}.`,
        );
      }
      throw e;
    }
    markParsedFloats(data);
    return new RunnerConfig(dataToProps(data) as RunnerConfigProps);
  }

  /** The props as given. */
  public readonly props: RunnerConfigProps;

  private checkedCache?: { readonly data: TomlTable; readonly diagnostics: readonly Diagnostic[] };

  constructor(props: RunnerConfigProps) {
    this.props = props;
  }

  /**
   * The TOML-keyed data tree (keys in TOML spelling, `rawToml` merged in), including the pinned
   * defaults (`Timezone = "UTC"` on autoscaling periods and autoscaler policies that lack one).
   * A new tree on every call; the props are not changed.
   */
  toData(): TomlTable {
    return propsToData(this.props).data;
  }

  /** Every problem: props that do not map (unknown props, escape-hatch clashes) and validation of `toData()`. */
  diagnostics(): Diagnostic[] {
    return this.check().diagnostics;
  }

  /**
   * Canonical config.toml text. Byte-identical for the same props on every machine.
   * Mapping and validation run once per instance: treat the props as immutable.
   * Throws GitlabRunnerError when `diagnostics()` has any error (warnings do not throw).
   */
  render(options: RenderOptions = {}): string {
    return this.emit({ secret: options.secret });
  }

  /**
   * `render()` with every secret value replaced by `[REDACTED]`: for previews, plan diffs and logs.
   * Also redacted: the value of credential entries in `name=value` lists
   * (`environment = ["AWS_SECRET_ACCESS_KEY=[REDACTED]"]`, MachineOptions) and the credentials of
   * any URL (`https://[REDACTED]@proxy.example.com`).
   */
  renderRedacted(): string {
    return this.emit({ secret: () => REDACTED, redactMark: REDACTED });
  }

  /**
   * Every secret value set (schema-flagged keys such as `token`, `SecretKey`, `AccountKey`,
   * passwords, plus raw keys whose name ends in token/password/secret/private_key/access_key...),
   * in rendering order, with its TOML path. Works on invalid configs too.
   */
  secrets(): SecretRef[] {
    const found: SecretRef[] = [];
    emitToml(this.check().data, {
      secret: (ref) => {
        found.push(ref);
        return '';
      },
    });
    return found;
  }

  /** The checked data as TOML (throws on errors, like `render()`). */
  private emit(options: EmitOptions): string {
    const { data } = this.checked();
    try {
      return emitToml(data, options);
    } catch (e) {
      // Values TOML cannot hold: the message names the value, never a secret (safety net, secrets.ts).
      if (e instanceof GitlabRunnerError) throw new GitlabRunnerError(scrubSecrets(e.diagnostics, this.props, data));
      throw e;
    }
  }

  /** Mapping + validation, computed once (props are read-only). */
  private check(): { data: TomlTable; diagnostics: Diagnostic[] } {
    if (!this.checkedCache) {
      const mapped = propsToData(this.props);
      this.checkedCache = { data: mapped.data, diagnostics: [...mapped.diagnostics, ...validateConfig(mapped.data)] };
    }
    return { data: this.checkedCache.data, diagnostics: [...this.checkedCache.diagnostics] };
  }

  private checked(): { data: TomlTable; diagnostics: Diagnostic[] } {
    const result = this.check();
    if (result.diagnostics.some((d) => d.level === 'error')) throw new GitlabRunnerError(result.diagnostics);
    return result;
  }
}
