/**
 * Unit tests of the e2e harness's own parsing and scanning (the suite itself needs root and a
 * host: npm run test:e2e). These run in `npm test`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ScratchApp, appliedAddresses } from './lib/app';
import { printTable, Row } from './lib/report';
import { findIn, redact, scanState, scanTree } from './lib/secrets';
import { runnerMachineName, spanSeconds, tokenId } from './scenarios';

const SECRET = { label: 'auth token', value: 'glrt-PLACEHOLDER0000000000000' };

describe('appliedAddresses', () => {
  test('GIVEN cdktf deploy output WHEN parsed THEN created, destroyed and modified addresses are found with or without the construct path', () => {
    const out = [
      'local-sandbox  terraform_data.sandbox_config_83F94BCE (sandbox/config): Destroying... [id=1]',
      'local-sandbox  terraform_data.sandbox_config_83F94BCE (sandbox/config): Creating...',
      '               terraform_data.plain: Creating...',
      'local-sandbox  terraform_data.x (x): Modifying... [id=2]',
      'local-sandbox  terraform_data.sandbox_teardown_CA9C1746 (sandbox/teardown) (deposed object 380ed4dc): Destroying... [id=3]',
      'local-sandbox  terraform_data.sandbox_config_83F94BCE (sandbox/config): Creation complete after 1s',
    ].join('\n');
    expect(appliedAddresses(out)).toEqual({
      created: ['terraform_data.plain', 'terraform_data.sandbox_config_83F94BCE'],
      destroyed: ['terraform_data.sandbox_config_83F94BCE', 'terraform_data.sandbox_teardown_CA9C1746'],
      modified: ['terraform_data.x'],
    });
  });

  test('GIVEN a no-change deploy WHEN parsed THEN nothing ran', () => {
    expect(appliedAddresses('No changes. Your infrastructure matches the configuration.')).toEqual({ created: [], destroyed: [], modified: [] });
  });
});

describe('spanSeconds', () => {
  test.each([
    ['10min', 600],
    ['1h 30min', 5400],
    ['15min', 900],
    ['2h', 7200],
    ['500ms', 0.5],
    ['infinity', Infinity],
  ])('%s = %d s', (span, seconds) => {
    expect(spanSeconds(span)).toBe(seconds);
  });
});

describe('secret scanning', () => {
  test('GIVEN a state file WHEN a secret sits in a sensitive attribute THEN it is not reported, elsewhere it is', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-harness-'));
    const file = path.join(dir, 'terraform.tfstate');
    fs.writeFileSync(
      file,
      JSON.stringify({
        outputs: { shown: { value: `x ${SECRET.value}` }, hidden: { value: SECRET.value, sensitive: true } },
        resources: [
          {
            type: 'terraform_data',
            name: 'secret',
            instances: [
              {
                attributes: { input: SECRET.value, triggers_replace: { fingerprint: 'abc' } },
                sensitive_attributes: [[{ type: 'get_attr', value: 'input' }]],
              },
            ],
          },
          { type: 'terraform_data', name: 'leak', instances: [{ attributes: { triggers_replace: { script: `TOKEN=${SECRET.value}` } } }] },
        ],
      }),
    );
    expect(scanState(file, [SECRET]).map((f) => f.where)).toEqual(['state output shown', 'state terraform_data.leak attribute triggers_replace.script']);
  });

  test('GIVEN a tree WHEN one file holds the secret THEN exactly that file is reported, by label only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-harness-'));
    fs.mkdirSync(path.join(dir, 'stacks'));
    fs.writeFileSync(path.join(dir, 'stacks', 'cdk.tf.json'), JSON.stringify({ token: SECRET.value }));
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
    const findings = scanTree(dir, [SECRET]);
    expect(findings).toEqual([{ secret: 'auth token', where: path.join(dir, 'stacks', 'cdk.tf.json') }]);
    expect(JSON.stringify(findings)).not.toContain(SECRET.value);
  });

  test('short values are not searched (no false positives from e.g. "root")', () => {
    expect(findIn('user root', [{ label: 'short', value: 'root' }], 'x')).toEqual([]);
  });

  test('redact replaces every occurrence by the label', () => {
    expect(redact(`a ${SECRET.value} b ${SECRET.value}`, [SECRET])).toBe('a <auth token> b <auth token>');
  });
});

test('tokenId matches the stand-in API (sha256: + 12 hex digits)', () => {
  // the stand-in API logs tokens only as this id; the suite must compute the same
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const api = require('../standins/gitlab-api') as { tokenId(t: string): string };
  expect(tokenId(SECRET.value)).toBe(api.tokenId(SECRET.value));
  expect(tokenId(SECRET.value)).toMatch(/^sha256:[0-9a-f]{12}$/);
});

test('printTable: one row per scenario, failures listed under the table', () => {
  const rows: Row[] = [
    { id: '1', name: 'fresh deploy', ok: true, ms: 20300, sessions: 15, target: '<= 2/step: 1.15', failures: [], notes: [] },
    { id: '2', name: 'no change', ok: false, ms: 1000, sessions: 3, target: '0 sessions: 3', failures: ['opened 3 sessions'], notes: [] },
  ];
  const lines = printTable(rows).split('\n');
  expect(lines[0]).toMatch(/^\| # +\| scenario +\| result \| wall time \| SSH sessions \| target \(measured\) +\|$/);
  expect(lines[2]).toContain('| PASS ');
  expect(lines[2]).toContain('20.3 s');
  expect(lines[3]).toContain('| FAIL ');
  expect(lines).toContain('  [2] FAIL: opened 3 sessions');
});

describe('runnerMachineName (how the real gitlab-runner names autoscaled machines)', () => {
  test.each([
    ['glrt-t1_AbCdEfGhIjKlMn', 'glr-sandbox-auth-runner-%s', 'runner-abcdefghi-glr-sandbox-auth-runner-1-a'],
    ['glrt-AbCdEfGhIjKlMn', 'glr-x-%s', 'runner-abcdefghi-glr-x-1-a'],
    ['GR1348941AbCdEfGhIjK', 'm-%s', 'runner-abcdefghi-m-1-a'],
    ['Ab_dEfGhIjK', 'm-%s', 'runner-ab-defghi-m-1-a'],
  ])('%s + %s', (token, template, expected) => {
    expect(runnerMachineName(token, template, '1-a')).toBe(expected);
  });
});

describe('ScratchApp', () => {
  test('GIVEN a repo with state, cdktf.out, node_modules and .git WHEN copied THEN the app runs from a clean copy that shares node_modules', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-repo-'));
    const w = (rel: string, text = 'x') => {
      fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(repo, rel), text);
    };
    w('lib/index.ts');
    w('scripts/host/teardown.sh', '#!/usr/bin/env bash\n');
    w('examples/app/main.ts');
    w('examples/app/terraform.app.tfstate', '{}');
    w('examples/app/cdktf.out/manifest.json', '{}');
    w('node_modules/cdktf/package.json', '{}');
    w('.git/HEAD', 'ref: refs/heads/main');
    const mirror = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-mirror-')), 'repo');
    const app = new ScratchApp(repo, 'examples/app', mirror);
    expect(app.dir).toBe(path.join(mirror, 'examples', 'app'));
    expect(fs.existsSync(path.join(app.dir, 'main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(app.dir, 'terraform.app.tfstate'))).toBe(false);
    expect(fs.existsSync(path.join(app.dir, 'cdktf.out'))).toBe(false);
    expect(fs.existsSync(path.join(mirror, '.git'))).toBe(false);
    expect(fs.lstatSync(path.join(mirror, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(app.root, 'scripts', 'host', 'teardown.sh'), 'utf8')).toBe('#!/usr/bin/env bash\n');
    // a later edit in the repo does not reach the copy under test
    w('scripts/host/teardown.sh', 'changed');
    expect(fs.readFileSync(path.join(app.root, 'scripts', 'host', 'teardown.sh'), 'utf8')).toBe('#!/usr/bin/env bash\n');
  });
});
