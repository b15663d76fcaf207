/**
 * Secrets: secrets() lists every secret value with its path; renderRedacted() and the secret
 * hook replace them; unresolved references pass through.
 */
import { Token } from 'cdktf';
import { RunnerConfig, REDACTED, type SecretRef } from '../../lib/config/runner-config';
import type { RunnerProps } from '../../lib/config/props.generated';

const TOKEN = 'glrt-PLACEHOLDER0000000000000';

function runner(extra: RunnerProps = {}): RunnerProps {
  return { name: 'r', url: 'https://gitlab.example.com', token: TOKEN, executor: 'docker', docker: { image: 'alpine' }, ...extra };
}

const s3Runner = runner({
  cache: { type: 's3', s3: { serverAddress: 's3.amazonaws.com', accessKey: 'PLACEHOLDER-AK', secretKey: 'PLACEHOLDER-SK', sessionToken: 'PLACEHOLDER-ST', bucketName: 'b' } },
});

describe('secrets()', () => {
  test('GIVEN a runner token and S3 keys WHEN listed THEN each secret comes with its TOML path, key and runner index, in file order', () => {
    const config = new RunnerConfig({ runners: [runner({ name: 'a' }), s3Runner] });
    expect(config.secrets()).toEqual<SecretRef[]>([
      { path: 'runners[0].token', key: 'token', runnerIndex: 0, value: TOKEN },
      { path: 'runners[1].token', key: 'token', runnerIndex: 1, value: TOKEN },
      { path: 'runners[1].cache.s3.AccessKey', key: 'AccessKey', runnerIndex: 1, value: 'PLACEHOLDER-AK' },
      { path: 'runners[1].cache.s3.SecretKey', key: 'SecretKey', runnerIndex: 1, value: 'PLACEHOLDER-SK' },
      { path: 'runners[1].cache.s3.SessionToken', key: 'SessionToken', runnerIndex: 1, value: 'PLACEHOLDER-ST' },
    ]);
  });

  test('GIVEN GCS, Azure, SSH and autoscaler connector passwords WHEN listed THEN all are secrets', () => {
    const config = new RunnerConfig({
      runners: [
        runner({
          cache: { type: 'gcs', gcs: { privateKey: 'PLACEHOLDER-PK' }, azure: { accountKey: 'PLACEHOLDER-AZ' } },
          ssh: { password: 'PLACEHOLDER-SSH' },
          autoscaler: { connectorConfig: { password: 'PLACEHOLDER-CC' }, vmIsolation: { connectorConfig: { password: 'PLACEHOLDER-VM' } } },
        }),
      ],
    });
    expect(config.secrets().map((s) => s.path)).toEqual([
      'runners[0].token',
      'runners[0].cache.gcs.PrivateKey',
      'runners[0].cache.azure.AccountKey',
      'runners[0].ssh.password',
      'runners[0].autoscaler.connector_config.password',
      'runners[0].autoscaler.vm_isolation.connector_config.password',
    ]);
  });

  test('GIVEN a raw key whose name says it is a secret (kubernetes bearer_token) WHEN listed THEN it is a secret too', () => {
    const config = new RunnerConfig({ runners: [runner({ rawToml: { kubernetes: { bearer_token: 'PLACEHOLDER-BT', namespace: 'ci' } } })] });
    expect(config.secrets()).toContainEqual({ path: 'runners[0].kubernetes.bearer_token', key: 'bearer_token', runnerIndex: 0, value: 'PLACEHOLDER-BT' });
    expect(config.secrets().map((s) => s.key)).not.toContain('namespace');
  });

  test('GIVEN no secrets WHEN listed THEN the list is empty', () => {
    expect(new RunnerConfig({ concurrent: 1 }).secrets()).toEqual([]);
  });
});

describe('renderRedacted()', () => {
  test('GIVEN literal secrets WHEN rendered redacted THEN no secret literal appears and each is the marker', () => {
    const out = new RunnerConfig({ runners: [s3Runner] }).renderRedacted();
    for (const literal of [TOKEN, 'PLACEHOLDER-AK', 'PLACEHOLDER-SK', 'PLACEHOLDER-ST']) expect(out).not.toContain(literal);
    expect(out).toContain(`  token = "${REDACTED}"\n`);
    expect(out).toContain(`      AccessKey = "${REDACTED}"\n      SecretKey = "${REDACTED}"\n      SessionToken = "${REDACTED}"\n`);
    expect(REDACTED).toBe('[REDACTED]');
  });

  test('GIVEN a redacted and a plain rendering WHEN compared THEN only the secret lines differ', () => {
    const config = new RunnerConfig({ runners: [s3Runner] });
    const plain = config.render().split('\n');
    const redacted = config.renderRedacted().split('\n');
    expect(redacted.length).toBe(plain.length);
    const differing = plain.filter((l, i) => l !== redacted[i]).map((l) => l.trim().split(' ')[0]);
    expect(differing).toEqual(['token', 'AccessKey', 'SecretKey', 'SessionToken']);
  });

  test('GIVEN an unresolved token as the runner token WHEN rendered redacted THEN the marker replaces the reference too', () => {
    const ref = Token.asString({ resolve: () => 'x' });
    const out = new RunnerConfig({ runners: [runner({ token: ref })] }).renderRedacted();
    expect(out).not.toContain(ref);
    expect(out).toContain(`  token = "${REDACTED}"\n`);
  });
});

describe('render({ secret })', () => {
  test('GIVEN a secret hook WHEN rendered THEN its text replaces each secret value, quoted and escaped', () => {
    const config = new RunnerConfig({ runners: [s3Runner] });
    const seen: string[] = [];
    const out = config.render({
      secret: (ref) => {
        seen.push(`${ref.runnerIndex}:${ref.key}`);
        return `@@${ref.path}"@@`;
      },
    });
    expect(seen).toEqual(['0:token', '0:AccessKey', '0:SecretKey', '0:SessionToken']);
    expect(out).toContain('  token = "@@runners[0].token\\"@@"\n');
    expect(out).toContain('      SecretKey = "@@runners[0].cache.s3.SecretKey\\"@@"\n');
  });

  test('GIVEN no hook WHEN rendered THEN secrets are written as given (the caller decides), a reference escaped for TOML by Terraform', () => {
    const ref = Token.asString({ resolve: () => 'x' });
    const out = new RunnerConfig({ runners: [runner({ token: ref })] }).render();
    expect(out).toMatch(/\n {2}token = "\$\{TfToken\[TOKEN\.\d+\]\}"\n/);
    expect(new RunnerConfig({ runners: [runner({ token: 'glrt-PLACEHOLDERPLACEHOLDER' })] }).render()).toContain('  token = "glrt-PLACEHOLDERPLACEHOLDER"\n');
  });
});

test('GIVEN a global raw key named like a secret WHEN listed THEN it is a secret without a runner index', () => {
  const config = new RunnerConfig({ rawToml: { sentry_token: 'PLACEHOLDER-GT' } });
  expect(config.secrets()).toEqual([{ path: 'sentry_token', key: 'sentry_token', value: 'PLACEHOLDER-GT' }]);
});
