/**
 * `cdktf-gitlab-runner lint FILE` and `cdktf-gitlab-runner fmt FILE` (FILE `-` = stdin).
 *
 * - lint: one `error: PATH: message` / `warning: PATH: message` line per problem on stdout;
 *   exit 1 on any error, else 0. A TOML syntax error is an error at `FILE:line:column`.
 * - fmt: the canonical rendering on stdout (warnings on stderr), exit 0; when FILE is invalid,
 *   the error lines on stderr and exit 1. fmt of fmt's output is byte-identical.
 * - --help: usage on stdout, exit 0; no command, an unknown command or wrong arguments: usage on
 *   stderr, exit 2.
 */
import * as fs from 'fs';
import { formatDiagnostic, GitlabRunnerError, type Diagnostic } from '../errors';
import { RunnerConfig } from '../config/runner-config';
import { decodeUtf8 } from './decode-utf8';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads FILE (`-` = standard input): its bytes (decoded as strict UTF-8), or text. */
  readonly readFile: (file: string) => Uint8Array | string;
}

export const USAGE = `Usage: cdktf-gitlab-runner <command> FILE

Commands:
  lint FILE   Check a GitLab Runner config.toml. Prints one line per problem,
              "error: PATH: message" or "warning: PATH: message".
              Exit 1 when there is any error, 0 otherwise.
  fmt FILE    Print the canonical rendering of FILE (stable key order, explicit
              types, pinned Timezone = "UTC" on autoscaling periods).
              Exit 1 with the errors on stderr when FILE is invalid.

FILE may be - to read standard input.
`;

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (file) => fs.readFileSync(file === '-' ? 0 : file),
};

/** Runs the CLI; returns the exit code. */
export function main(argv: readonly string[], io: CliIo = defaultIo): number {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE); // asked for: not an error
    return 0;
  }
  if (command === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  if (command !== 'lint' && command !== 'fmt') {
    io.stderr(`error: unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
    return 2;
  }
  if (rest.length !== 1) {
    io.stderr(`error: ${command} takes exactly one FILE (got ${rest.length}).\n\n${USAGE}`);
    return 2;
  }
  const file = rest[0];
  const source = file === '-' ? '<stdin>' : file;
  let content: Uint8Array | string;
  try {
    content = io.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    io.stderr(`${formatDiagnostic({ level: 'error', path: source, message: `cannot read the file (${code}). Fix: check the path and permissions.` })}\n`);
    return 1;
  }
  const decoded = typeof content === 'string' ? { text: content } : decodeUtf8(content);
  if (!('text' in decoded)) {
    const at = `${source}:${decoded.line}:${decoded.column}`;
    const message = `got a byte that is not UTF-8 (0x${(content as Uint8Array)[decoded.byte].toString(16).padStart(2, '0')} at byte ${decoded.byte}), expected a UTF-8 file as TOML requires; nothing was changed. Fix: convert the file, e.g. iconv -f latin1 -t utf-8 ${file === '-' ? 'FILE' : file}.`;
    (command === 'lint' ? io.stdout : io.stderr)(`${formatDiagnostic({ level: 'error', path: at, message })}\n`);
    return 1;
  }
  const text = decoded.text;
  return command === 'lint' ? lint(text, source, io) : fmt(text, source, io);
}

function load(text: string, source: string): { config?: RunnerConfig; diagnostics: readonly Diagnostic[] } {
  try {
    const config = RunnerConfig.fromToml(text, { source });
    return { config, diagnostics: config.diagnostics() };
  } catch (e) {
    if (e instanceof GitlabRunnerError) return { diagnostics: e.diagnostics };
    throw e;
  }
}

function lines(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
}

function lint(text: string, source: string, io: CliIo): number {
  const { diagnostics } = load(text, source);
  io.stdout(lines(diagnostics));
  return diagnostics.some((d) => d.level === 'error') ? 1 : 0;
}

function fmt(text: string, source: string, io: CliIo): number {
  const { config, diagnostics } = load(text, source);
  if (!config || diagnostics.some((d) => d.level === 'error')) {
    io.stderr(lines(diagnostics));
    return 1;
  }
  let rendered: string;
  try {
    rendered = config.render();
  } catch (e) {
    if (e instanceof GitlabRunnerError) {
      io.stderr(lines(e.diagnostics));
      return 1;
    }
    throw e;
  }
  io.stderr(lines(diagnostics)); // warnings only
  io.stdout(rendered);
  return 0;
}
