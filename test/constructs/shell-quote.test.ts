import { execFileSync } from 'child_process';
import { buildStepScript, shellQuote } from '../../lib/private/scripts/step-script';

describe('shellQuote', () => {
  test.each(['plain', "it's", "a\\b'c", "multi\nline'x", "tab\there'", "$HOME'`x`", 'no quote $HOME `x` \\n', ''])('bash reads %j back unchanged', (value) => {
    const out = execFileSync('bash', ['-c', `v=${shellQuote(value)}; printf %s "$v"`], { encoding: 'utf8' });
    expect(out).toBe(value);
  });
});

describe('buildStepScript', () => {
  test('rejects variable names outside GLR_*', () => {
    expect(() => buildStepScript('prepare', { PATH: '/tmp' })).toThrow('internal: step variable PATH must match');
  });

  test('is byte-identical for the same input and sorts variables', () => {
    const a = buildStepScript('prepare', { GLR_B: '2', GLR_A: '1' });
    expect(buildStepScript('prepare', { GLR_A: '1', GLR_B: '2' })).toBe(a);
    expect(a.indexOf("GLR_A='1'")).toBeLessThan(a.indexOf("GLR_B='2'"));
  });
});

describe('step variables keep every byte', () => {
  test.each([
    ['multi-line with quotes', "line 1 'quoted'\nline 2 \"dq\" $HOME `cmd` \\n\n"],
    ['ends without newline', "a'\nb"],
    ['holds the delimiter', "x'\nGLR_EOF\ny"],
    ['single line', "it's $HOME"],
  ])('%s', (_name, value) => {
    const script = buildStepScript('prepare', { GLR_X: value }, { scripts: 'host' });
    const header = script.split('. /var/lib/cdktf-gitlab-runner/scripts/lib.sh')[0];
    const out = execFileSync('bash', ['-c', `${header.replace(/^if \[.*$/m, '')}\nprintf %s "$GLR_X"`], { encoding: 'utf8' });
    expect(out).toBe(value);
  });
});
