/**
 * Test fixture for the validation tests: a valid docker+machine config.toml with slots for extra
 * keys, and `lint()` that parses TOML the way the CLI does and returns formatted diagnostics.
 */
import { parse } from 'smol-toml';
import { formatDiagnostic } from '../../lib/errors';
import type { TomlTable } from '../../lib/private/config/schema-types';
import { validateConfig } from '../../lib/private/config/validate';

export const TOKEN = 'glrt-PLACEHOLDER0000000000000';

export interface ConfigParts {
  /** Extra global keys (before [[runners]]). */
  readonly global?: string;
  /** `concurrent` line; null to omit. */
  readonly concurrent?: string | null;
  /** Values for the base runner keys; null omits the key. Give TOML literals. */
  readonly url?: string | null;
  readonly token?: string | null;
  readonly executor?: string | null;
  /** Extra keys of the first [[runners]] entry. */
  readonly runner?: string;
  /** [runners.docker] body after image; null omits the section. */
  readonly docker?: string | null;
  /** [runners.machine] body after driver and name; null omits the section. */
  readonly machine?: string | null;
  /** Appended at the end (sub-tables of the first runner, further runners). */
  readonly after?: string;
}

/** A config.toml text; with no parts it is valid and gives no diagnostics. */
export function configToml(parts: ConfigParts = {}): string {
  const line = (key: string, value: string | null | undefined, fallback: string) =>
    value === null ? '' : `${key} = ${value ?? fallback}\n`;
  let text = '';
  text += parts.concurrent === null ? '' : `concurrent = ${parts.concurrent ?? '4'}\n`;
  text += parts.global ? `${parts.global}\n` : '';
  text += '\n[[runners]]\nname = "r0"\n';
  text += line('url', parts.url, '"https://gitlab.example.com"');
  text += line('token', parts.token, JSON.stringify(TOKEN));
  text += line('executor', parts.executor, '"docker+machine"');
  text += parts.runner ? `${parts.runner}\n` : '';
  if (parts.docker !== null) text += `[runners.docker]\nimage = "alpine:3.20"\n${parts.docker ? `${parts.docker}\n` : ''}`;
  if (parts.machine !== null) {
    text += `[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "auto-%s"\n${parts.machine ? `${parts.machine}\n` : ''}`;
  }
  text += parts.after ? `${parts.after}\n` : '';
  return text;
}

/** Parses like the CLI (integers as bigint) and validates; returns `level: path: message` lines. */
export function lintToml(text: string): string[] {
  const data = parse(text, { integersAsBigInt: true }) as TomlTable;
  return validateConfig(data).map(formatDiagnostic);
}

/** lintToml(configToml(parts)). */
export function lint(parts: ConfigParts = {}): string[] {
  return lintToml(configToml(parts));
}

/** Validates a data tree (as typed props give it: numbers, not bigints). */
export function lintData(data: TomlTable): string[] {
  return validateConfig(data).map(formatDiagnostic);
}
