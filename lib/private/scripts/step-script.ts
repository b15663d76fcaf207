/**
 * Builds the self-contained script a step uploads and runs on the host: a header with the
 * step's inputs as shell variables, then scripts/host/lib.sh, then scripts/host/<name>.sh.
 * Pure: the same inputs give the same bytes on every machine (no paths, no time).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Folder holding the host scripts (shipped in the package under scripts/host). */
export const HOST_SCRIPTS_DIR = path.resolve(__dirname, '..', '..', '..', 'scripts', 'host');

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

/** Where the `prepare` step installs lib.sh on the host for the steps that source it. */
export const HOST_LIB_PATH = '/var/lib/cdktf-gitlab-runner/lib.sh';

export interface StepScriptOptions {
  /**
   * `inline`: lib.sh is part of the script (self-contained; used for `prepare` and `teardown`).
   * `host`: the script sources HOST_LIB_PATH, installed by `prepare` (keeps every other step,
   * and so the synthesized stack, small).
   * @default "inline"
   */
  readonly lib?: 'inline' | 'host';
}

/**
 * The full text of step `name` (scripts/host/<name>.sh) with `env` set. Values must not be
 * secrets: the header is part of the synthesized stack. Keys are sorted for stable output.
 */
export function buildStepScript(name: string, env: { readonly [key: string]: string }, options: StepScriptOptions = {}): string {
  const inline = (options.lib ?? 'inline') === 'inline';
  const lines = [
    '#!/usr/bin/env bash',
    `# cdktf-gitlab-runner step: ${name}`,
    inline
      ? '# lib.sh is inlined below (the step\'s fallback "source lib.sh" never runs); its defaults serve every step.'
      : `# lib.sh comes from ${HOST_LIB_PATH} (installed by the prepare step); its defaults serve every step.`,
    '# shellcheck disable=SC1091,SC2034',
    // Steps run as root: a sudo user re-runs this very file through password-less sudo.
    'if [ "$(id -u)" -ne 0 ]; then exec sudo -n bash "$0" "$@"; fi',
    'set -euo pipefail',
    `GLR_STEP=${shellQuote(name)}`,
  ];
  for (const key of Object.keys(env).sort()) {
    if (!NAME.test(key)) throw new Error(`internal: step variable ${key} must match ${NAME}`);
    lines.push(assignment(key, env[key]));
  }
  lines.push('export GLR_STEP ' + Object.keys(env).sort().join(' '));
  const lib = inline ? stripShebang(readHostScript('lib.sh')) : `. ${HOST_LIB_PATH}\n`;
  return [lines.join('\n'), lib, stripShebang(readHostScript(`${name}.sh`))].join('\n');
}

/**
 * `KEY='value'`; a multi-line value that holds a single quote becomes a quoted heredoc, which
 * keeps every byte (the trailing "." survives command substitution and is stripped again).
 */
function assignment(key: string, value: string): string {
  if (!value.includes('\n') || !value.includes("'")) return `${key}=${shellQuote(value)}`;
  let delimiter = 'GLR_EOF';
  while (value.split('\n').includes(delimiter)) delimiter += '_';
  return `${key}=$(cat <<'${delimiter}'\n${value}.\n${delimiter}\n)\n${key}="\${${key}%.}"`;
}

function stripShebang(text: string): string {
  return text.replace(/^#!.*\n/, '');
}
