/**
 * The ```ts examples in docs/config-model.md run (transpiled, with `cdktf-gitlab-runner`
 * resolved to this checkout) and the first one prints exactly the ```toml block shown under it.
 * (Type-checking the README examples is the README test's job.)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import * as ts from 'typescript';

const DOC = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'config-model.md'), 'utf8');
const EXAMPLES = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const FIRST_OUTPUT = /```toml\n([\s\S]*?)```/.exec(DOC)![1];
const FIXTURE = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'config', 'docker-machine-s3.toml'), 'utf8');

function run(source: string): string[] {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const printed: string[] = [];
  const fakeRequire = (name: string): unknown => {
    if (name === 'cdktf-gitlab-runner') return require('../../lib/config/runner-config');
    // the import example reads /etc/gitlab-runner/config.toml: give it the fixture
    if (name === 'fs') return { ...fs, readFileSync: () => FIXTURE };
    return require(name);
  };
  const module = { exports: {} };
  vm.runInNewContext(js, {
    require: fakeRequire,
    module,
    exports: module.exports,
    console: { log: (...args: unknown[]) => printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')) },
  });
  return printed;
}

test('the config model doc has examples', () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(6);
});

test.each(EXAMPLES.map((source, i) => [i, source]))('example %i runs', (_i, source) => {
  expect(() => run(source as string)).not.toThrow();
});

test('the first example prints the TOML shown in the doc', () => {
  expect(run(EXAMPLES[0])).toEqual([FIRST_OUTPUT]);
});
