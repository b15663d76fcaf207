/**
 * Every ```ts block of README.md compiles against the library and runs (synthesizing into a
 * temporary folder), so the documentation cannot drift from the API. A block whose first line is
 * `// NAME.ts` is written under that name (so `main.ts` can import `./stack`); a `// NAME.test.ts`
 * block is a jest test and runs with jest.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  const dir = fs.mkdtempSync(path.join(root, 'test', '.readme-'));
  const files = blocks.map((code, i) => {
    const named = /^\/\/ ([\w.-]+\.ts)\n/.exec(code);
    const file = path.join(dir, named ? named[1] : `block${i}.ts`);
    const rewritten = code
      .replace(/from 'cdktf-gitlab-runner'/g, `from ${JSON.stringify(path.join(root, 'lib'))}`)
      .replace(/from '\.\.\/examples\//g, `from '${path.join(root, 'examples')}/`);
    fs.writeFileSync(file, /^(import|export)/m.test(rewritten) ? rewritten : `${rewritten}\nexport {};\n`);
    return file;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('there are examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test('every block type-checks', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram(files, { ...config.options, noEmit: true, noUnusedLocals: false });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(path.resolve(d.file.fileName)));
    const text = diagnostics.map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(text).toEqual([]);
  }, 120000);

  test('block file names are unique', () => {
    expect(new Set(files).size).toBe(files.length);
  });

  test.each(blocks.map((_, i) => [i]))('block %i runs', (i) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glr-readme-out-'));
    const env = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' };
    try {
      if (files[i].endsWith('.test.ts')) {
        // a jest test as a user writes it: its own run, its first snapshot written in the scratch
        // folder (--ci=false: under CI=true jest would refuse to write a new snapshot)
        const config = JSON.stringify({ rootDir: path.dirname(files[i]), testEnvironment: 'node', transform: { '^.+\\.ts$': [require.resolve('ts-jest'), { diagnostics: false }] } });
        execFileSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', config, '--ci=false', '--runTestsByPath', files[i]], { cwd: root, env, stdio: 'pipe' });
        return;
      }
      execFileSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', files[i]], { cwd: root, env, stdio: 'pipe' });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 60000);
});
