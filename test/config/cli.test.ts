/**
 * The real bin/cdktf-gitlab-runner as a child process (from the checkout, no build step).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'smol-toml';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'cdktf-gitlab-runner');
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'config', 'docker-machine-s3.toml');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', cwd: dir, env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const VALID = '[[runners]]\n  name = "a"\n  url = "https://gitlab.example.com"\n  token = "glrt-PLACEHOLDER0000000000000"\n  executor = "shell"\n';

describe('cdktf-gitlab-runner lint', () => {
  test('GIVEN a valid file WHEN linted THEN no output and exit 0', () => {
    const r = run(['lint', write('ok.toml', `concurrent = 1\n${VALID}`)]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('GIVEN a file with warnings only WHEN linted THEN warning lines and exit 0', () => {
    const r = run(['lint', FIXTURE]);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out.length).toBeGreaterThan(0);
    for (const line of out) expect(line).toMatch(/^warning: [^ ]+: .+/);
    expect(out.some((line) => line.startsWith('warning: check_interval: '))).toBe(true); // the wording is the validator's
  });

  test('GIVEN errors (F06, F08, F09) WHEN linted THEN "error: PATH: message" lines and exit 1', () => {
    const file = write(
      'bad.toml',
      [
        'concurrent = 1',
        '[[runners]]',
        '  name = "a"',
        '  url = "https://gitlab.example.com"',
        '  token = "glrt-PLACEHOLDER0000000000000"',
        '  executor = "docker+machine"',
        '  [runners.machine]',
        '    IdleTime = 1800.5',
        '    MachineDriver = "amazonec2"',
        '    MachineName = "m-%s"',
        '    OffPeakIdleCount = 2',
        '    [[runners.machine.autoscaling]]',
        '      Periods = ["* 8-18 * * mon-fri"]',
        '      Timezone = "Europe/Berln"',
        '',
      ].join('\n'),
    );
    const r = run(['lint', file]);
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('error: ')).map((l) => l.split(': ')[1]);
    expect(errors).toEqual(
      expect.arrayContaining(['runners[0].machine.IdleTime', 'runners[0].machine.OffPeakIdleCount', 'runners[0].machine.autoscaling[0].Periods[0]', 'runners[0].machine.autoscaling[0].Timezone']),
    );
    for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^(error|warning): [^ ]+: .+/);
  });

  test('GIVEN invalid TOML WHEN linted THEN an error with FILE:line:column and exit 1', () => {
    const file = write('broken.toml', 'concurrent = 1\nname = \n');
    const r = run(['lint', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: invalid TOML: .+\\n$`));
  });

  test('GIVEN - WHEN linted THEN stdin is read', () => {
    const r = run(['lint', '-'], 'concurrent = "1"\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^error: concurrent: got "1"/m);
  });

  test('GIVEN a missing file WHEN linted THEN an error and exit 1', () => {
    const r = run(['lint', path.join(dir, 'nope.toml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*nope\.toml: cannot read the file \(ENOENT\)\. Fix: check the path and permissions\.\n$/);
  });
});

describe('files that are not UTF-8 (TOML requires UTF-8)', () => {
  const latin1 = Buffer.concat([Buffer.from('concurrent = 1\n[[runners]]\n  name = "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]);

  test('GIVEN a Latin-1 byte WHEN linted THEN an error at FILE:line:column naming the byte, exit 1', () => {
    const file = path.join(dir, 'latin1.toml');
    fs.writeFileSync(file, latin1);
    const r = run(['lint', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`error: ${file}:3:14: got a byte that is not UTF-8 (0xe9 at byte 40), expected a UTF-8 file as TOML requires; nothing was changed. Fix: convert the file, e.g. iconv -f latin1 -t utf-8 ${file}.\n`);
  });

  test('GIVEN a Latin-1 byte WHEN formatted THEN nothing on stdout (never a U+FFFD rewrite), the error on stderr, exit 1', () => {
    const r = spawnSync(BIN, ['fmt', '-'], { input: latin1, cwd: dir, env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr.toString()).toContain('error: <stdin>:3:14: got a byte that is not UTF-8 (0xe9 at byte 40)');
  });

  test('GIVEN valid multi-byte text and a literal U+FFFD WHEN formatted THEN they are kept as written', () => {
    const r = run(['fmt', '-'], 'concurrent = 1\n[[runners]]\n  name = "café \uFFFD 🚀"\n  url = "https://gitlab.example.com"\n  token = "glrt-PLACEHOLDERPLACEHOLDER"\n  executor = "shell"\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('name = "café \uFFFD 🚀"');
  });
});

describe('cdktf-gitlab-runner fmt', () => {
  test('GIVEN a valid file WHEN formatted THEN the canonical rendering on stdout, exit 0, and fmt(fmt(x)) = fmt(x)', () => {
    const once = run(['fmt', FIXTURE]);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^concurrent = 50\ncheck_interval = 0\n/);
    expect(once.stdout).toContain('    IdleScaleFactor = 1.0\n');
    expect(once.stderr).toMatch(/^warning: /); // warnings go to stderr, not into the file
    const twice = run(['fmt', '-'], once.stdout);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe(once.stdout);
    expect(parse(once.stdout)).toBeTruthy();
  });

  test('GIVEN an invalid file WHEN formatted THEN errors on stderr, nothing on stdout, exit 1', () => {
    const r = run(['fmt', '-'], '[[runners]]\n  [runners.machine]\n    IdleTime = "30"\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: runners\[0\]\.machine\.IdleTime: got "30"/m);
  });

  test('GIVEN invalid TOML WHEN formatted THEN a parse error on stderr and exit 1', () => {
    const r = run(['fmt', '-'], 'a = = 1\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: <stdin>:1:\d+: invalid TOML: /);
  });
});

describe('usage', () => {
  test.each([[['--help']], [['-h']], [['lint', '--help']]])('GIVEN %j WHEN run THEN usage on stdout and exit 0', (args) => {
    const r = run(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: cdktf-gitlab-runner <command> FILE');
  });

  test.each([[[]], [['frobnicate', 'x']], [['lint']], [['fmt', 'a', 'b']]])('GIVEN %j WHEN run THEN usage on stderr and exit 2', (args) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: cdktf-gitlab-runner <command> FILE');
  });
});
