/**
 * Builds the self-contained script a step uploads and runs on the host: a header with the
 * step's inputs as shell variables, then scripts/host/lib.sh, then scripts/host/<name>.sh.
 * Pure: the same inputs give the same bytes on every machine (no paths, no time).
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Folder holding the host scripts, shipped at the package root under scripts/host: three levels
 * up from lib/private/scripts in a checkout, four from dist/lib/private/scripts when built.
 */
export const HOST_SCRIPTS_DIR = findHostScripts();

function findHostScripts(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..', 'scripts', 'host'), path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'host')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'lib.sh')));
  if (!found) throw new Error(`cdktf-gitlab-runner: the host scripts are missing (looked in ${candidates.join(', ')}); the package is incomplete. Fix: reinstall cdktf-gitlab-runner.`);
  return found;
}

const cache = new Map<string, string>();

/** Reads scripts/host/<file> once per process. */
export function readHostScript(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(path.join(HOST_SCRIPTS_DIR, file), 'utf8');
    cache.set(file, text);
  }
  return text;
}

/**
 * Quotes a value for bash: `'plain'`, or ANSI-C `$'it\'s'` when it holds a single quote
 * (clearer to read and to shellcheck than the `'\''` dance).
 */
export function shellQuote(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  const escaped = value.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `$'${escaped}'`;
}

const NAME = /^GLR_[A-Z0-9_]+$/;

/** Where the `prepare` step installs the host scripts (lib.sh and every step body). */
export const HOST_SCRIPTS_PATH = '/var/lib/cdktf-gitlab-runner/scripts';

export interface StepScriptOptions {
  /**
   * `inline`: lib.sh and the step body are part of the script (self-contained; used for
   * `prepare`, `teardown` and tests).
   * `host`: the script sets its variables and sources lib.sh and the body from
   * HOST_SCRIPTS_PATH, installed by `prepare` from the stack's one copy of the scripts
   * (keeps the synthesized stack and users' snapshots small).
   * @default "inline"
   */
  readonly scripts?: 'inline' | 'host';
  /** Shell text run right after the variables, before lib.sh is sourced (the prepare step's script bundle). */
  readonly preamble?: string;
  /**
   * For a value that holds deploy-time references: the text of a reference to the value's
   * base64 (only `[A-Za-z0-9+/=]` once Terraform resolves it), or undefined for a literal value.
   * Such a value is decoded on the host instead of being placed between quotes, so a referenced
   * value that holds a quote, `$(...)` or a newline reaches the script byte for byte and never
   * runs as shell. Without it, references are placed between the quotes as they are (only for
   * hashing and tests).
   */
  readonly encodeReferences?: (value: string, key: string) => string | undefined;
}

/**
 * The text of step `name` (scripts/host/<name>.sh) with `env` set. Values must not be
 * secrets: the header is part of the synthesized stack. Keys are sorted for stable output.
 */
export function buildStepScript(name: string, env: { readonly [key: string]: string }, options: StepScriptOptions = {}): string {
  const inline = (options.scripts ?? 'inline') === 'inline';
  const lines = [
    '#!/usr/bin/env bash',
    `# cdktf-gitlab-runner step: ${name}`,
    // lib.sh (inlined, or sourced from HOST_SCRIPTS_PATH where prepare installs it) gives defaults
    '# shellcheck disable=SC1091,SC2034',
    // Steps run as root: a sudo user re-runs this very file through password-less sudo.
    'if [ "$(id -u)" -ne 0 ]; then exec sudo -n bash "$0" "$@"; fi',
    'set -euo pipefail',
    `GLR_STEP=${shellQuote(name)}`,
  ];
  for (const key of Object.keys(env).sort()) {
    if (!NAME.test(key)) throw new Error(`internal: step variable ${key} must match ${NAME}`);
    lines.push(assignment(key, env[key], options.encodeReferences));
  }
  lines.push('export GLR_STEP ' + Object.keys(env).sort().join(' '));
  if (options.preamble !== undefined) lines.push(options.preamble);
  if (!inline) {
    readHostScript(`${name}.sh`); // fail at synth, not on the host, when the step has no script
    return `${lines.join('\n')}\n. ${HOST_SCRIPTS_PATH}/lib.sh\n. ${HOST_SCRIPTS_PATH}/${name}.sh\n`;
  }
  return [lines.join('\n'), stripShebang(readHostScript('lib.sh')), stripShebang(readHostScript(`${name}.sh`))].join('\n');
}

/** Every host script file name, sorted. */
export function hostScriptNames(): string[] {
  return fs.readdirSync(HOST_SCRIPTS_DIR).filter((f) => f.endsWith('.sh')).sort();
}

/**
 * Shell text that installs every host script into HOST_SCRIPTS_PATH (each file written to a
 * temporary name, then moved into place). The stack holds it once; `prepare` runs it.
 */
export function buildScriptBundle(): string {
  // the same bytes on every call (the scripts are read once): built once per process, not per manager
  bundleCache ??= makeScriptBundle();
  return bundleCache;
}

let bundleCache: string | undefined;

function makeScriptBundle(): string {
  const out = [
    '# --- cdktf-gitlab-runner host scripts (installed by prepare) ---',
    `glr_bundle_dir=${shellQuote(HOST_SCRIPTS_PATH)}`,
    'install -d -m 0755 "$glr_bundle_dir"',
  ];
  for (const file of hostScriptNames()) {
    const text = readHostScript(file);
    let delimiter = 'GLR_SCRIPT_EOF';
    while (text.split('\n').includes(delimiter)) delimiter += '_';
    out.push(`cat >"$glr_bundle_dir/.${file}.new" <<'${delimiter}'`, text.endsWith('\n') ? text.slice(0, -1) : text, delimiter);
    out.push(`chmod 0644 "$glr_bundle_dir/.${file}.new" && mv -f "$glr_bundle_dir/.${file}.new" "$glr_bundle_dir/${file}"`);
  }
  out.push(`printf '[cdktf-gitlab-runner] %s: installed ${hostScriptNames().length} host scripts in %s\\n' "$GLR_STEP" "$glr_bundle_dir"`, '');
  return out.join('\n');
}

/**
 * `KEY='value'`; a multi-line value that holds a single quote becomes a quoted heredoc, which
 * keeps every byte (the trailing "." survives command substitution and is stripped again); a
 * value with deploy-time references is decoded from base64 (see `encodeReferences`).
 */
function assignment(key: string, value: string, encodeReferences?: (value: string, key: string) => string | undefined): string {
  const encoded = encodeReferences?.(value, key);
  if (encoded !== undefined) return `${key}="$(printf '%s' '${encoded}' | base64 -d; printf .)"\n${key}="\${${key}%.}"`;
  if (!value.includes('\n') || !value.includes("'")) return `${key}=${shellQuote(value)}`;
  let delimiter = 'GLR_EOF';
  while (value.split('\n').includes(delimiter)) delimiter += '_';
  return `${key}=$(cat <<'${delimiter}'\n${value}.\n${delimiter}\n)\n${key}="\${${key}%.}"`;
}

function stripShebang(text: string): string {
  return text.replace(/^#!.*\n/, '');
}
