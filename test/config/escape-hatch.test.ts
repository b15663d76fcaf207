/**
 * The rawToml escape hatch: raw keys merge into the data tree, a key set by a typed prop and by
 * rawToml is an error naming both (F08), unknown props are reported with a suggestion.
 */
import { RunnerConfig } from '../../lib/config/runner-config';
import type { RunnerProps } from '../../lib/config/props.generated';

const base: RunnerProps = { name: 'r', url: 'https://gitlab.example.com', token: 'glrt-PLACEHOLDER0000000000000', executor: 'kubernetes' };

describe('rawToml merge', () => {
  test('GIVEN a section with no typed props (kubernetes) WHEN mapped THEN it is in the data tree as given', () => {
    const config = new RunnerConfig({ runners: [{ ...base, rawToml: { kubernetes: { namespace: 'ci', poll_timeout: 180, cpu_limit: '1' } } }] });
    expect(config.toData()).toEqual({ runners: [{ name: 'r', url: 'https://gitlab.example.com', token: 'glrt-PLACEHOLDER0000000000000', executor: 'kubernetes', kubernetes: { namespace: 'ci', poll_timeout: 180, cpu_limit: '1' } }] });
    expect(config.render()).toContain('  [runners.kubernetes]\n    cpu_limit = "1"\n    namespace = "ci"\n    poll_timeout = 180\n');
  });

  test('GIVEN raw keys inside a typed section WHEN mapped THEN they merge next to the typed keys', () => {
    const config = new RunnerConfig({ runners: [{ ...base, executor: 'docker', docker: { image: 'alpine' }, rawToml: { docker: { helper_image_flavor: 'ubuntu' } } }] });
    expect((config.toData().runners as any)[0].docker).toEqual({ image: 'alpine', helper_image_flavor: 'ubuntu' });
  });

  test('GIVEN global raw keys WHEN mapped THEN they merge into the global section', () => {
    const config = new RunnerConfig({ concurrent: 2, rawToml: { experimental: { usage_logger: { enabled: true } } } });
    expect(config.toData()).toEqual({ concurrent: 2, experimental: { usage_logger: { enabled: true } } });
  });

  test('GIVEN rawToml WHEN mapped THEN the props objects are not changed', () => {
    const docker = { image: 'alpine' };
    const raw = { docker: { helper_image_flavor: 'ubuntu' } };
    new RunnerConfig({ runners: [{ ...base, docker, rawToml: raw }] }).toData();
    expect(docker).toEqual({ image: 'alpine' });
    expect(raw).toEqual({ docker: { helper_image_flavor: 'ubuntu' } });
  });

  test('GIVEN a raw key that is also unknown WHEN validated THEN the validator reports it (raw keys are not trusted)', () => {
    const config = new RunnerConfig({ runners: [{ ...base, executor: 'docker', docker: { image: 'alpine' }, rawToml: { docker: { imagee: 'x' } } }] });
    expect(config.diagnostics().some((d) => d.level === 'error' && d.path === 'runners[0].docker.imagee')).toBe(true);
  });
});

describe('clash between a typed prop and rawToml (F08)', () => {
  test('GIVEN the same key typed and raw WHEN checked THEN one error names both, the values and the fix', () => {
    const config = new RunnerConfig({ runners: [{ ...base, machine: { idleCount: 2 }, rawToml: { machine: { IdleCount: 5 } } }] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].rawToml.machine.IdleCount',
      message:
        'got 5, but the typed property runners[0].machine.idleCount already sets this key to 2. A key may be set only once: the escape hatch never overrides a typed property. ' +
        'Fix: remove "IdleCount" from runners[0].rawToml.machine, or remove runners[0].machine.idleCount.',
    });
    expect(() => config.render()).toThrow(/runners\[0\]\.rawToml\.machine\.IdleCount: got 5, but the typed property runners\[0\]\.machine\.idleCount/);
  });

  test('GIVEN a global clash WHEN checked THEN the error is on the global rawToml', () => {
    const config = new RunnerConfig({ concurrent: 4, rawToml: { concurrent: 8 } });
    expect(config.diagnostics()[0]).toEqual({
      level: 'error',
      path: 'rawToml.concurrent',
      message: 'got 8, but the typed property concurrent already sets this key to 4. A key may be set only once: the escape hatch never overrides a typed property. Fix: remove "concurrent" from rawToml, or remove concurrent.',
    });
  });

  test('GIVEN autoscaling typed and raw WHEN checked THEN a clash (arrays never merge)', () => {
    const config = new RunnerConfig({ runners: [{ ...base, machine: { autoscaling: [{ idleCount: 1 }] }, rawToml: { machine: { autoscaling: [{ IdleCount: 2 }] } } }] });
    expect(config.diagnostics().filter((d) => d.level === 'error').map((d) => d.path)).toContain('runners[0].rawToml.machine.autoscaling');
  });

  test('GIVEN a raw table where the typed prop is a scalar WHEN checked THEN a clash', () => {
    const config = new RunnerConfig({ runners: [{ ...base, executor: 'docker', rawToml: { executor: { x: 1 } } }] });
    expect(config.diagnostics()[0].path).toBe('runners[0].rawToml.executor');
  });

  test('GIVEN a typed key and a raw key of a different name in the same section WHEN checked THEN no clash', () => {
    const config = new RunnerConfig({ runners: [{ ...base, machine: { idleCount: 2 }, rawToml: { machine: { IdleCountMin: 1 } } }] });
    expect(config.diagnostics().filter((d) => d.path.includes('rawToml'))).toEqual([]);
  });
});

describe('props that do not exist', () => {
  test('GIVEN a misspelled prop WHEN checked THEN "did you mean" names the prop', () => {
    const config = new RunnerConfig({ runners: [{ ...base, machine: { idleCont: 2 } as never }] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].machine.idleCont',
      message: 'got 2, but RunnerMachineProps ([runners.machine]) has no property "idleCont". Did you mean idleCount? Fix: rename it to idleCount.',
    });
  });

  test('GIVEN the TOML spelling as a prop WHEN checked THEN the error names the camelCase prop with its unit', () => {
    const config = new RunnerConfig({ runners: [{ ...base, machine: { IdleTime: 1800 } as never }] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].machine.IdleTime',
      message: 'got 1800: RunnerMachineProps ([runners.machine]) has no property "IdleTime"; that is the TOML spelling of idleTimeSeconds. Fix: rename it to idleTimeSeconds.',
    });
  });

  test('GIVEN a removed key as a prop WHEN checked THEN the error names the replacement', () => {
    const config = new RunnerConfig({ runners: [{ ...base, machine: { offPeakPeriods: ['* * 0-9 * * * *'] } as never }] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].machine.offPeakPeriods',
      message: 'got ["* * 0-9 * * * *"], but OffPeakPeriods was removed in GitLab Runner 14.0. Fix: use [[runners.machine.autoscaling]].',
    });
  });

  test('GIVEN kubernetes as a typed prop WHEN checked THEN the error points to rawToml', () => {
    const config = new RunnerConfig({ runners: [{ ...base, kubernetes: { namespace: 'ci' } } as never] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].kubernetes',
      message: 'got {"namespace":"ci"}, but kubernetes has no typed property. Fix: set it through the escape hatch: runners[0].rawToml: { kubernetes: { ... } }.',
    });
  });

  test('GIVEN rawToml inside a section WHEN checked THEN the error says where it belongs', () => {
    const config = new RunnerConfig({ runners: [{ ...base, docker: { rawToml: { x: 1 } } as never }] });
    expect(config.diagnostics()).toContainEqual({
      level: 'error',
      path: 'runners[0].docker.rawToml',
      message: 'got {"x":1}, but rawToml exists only on the global section and on each runners entry. Fix: move it to runners[0].rawToml and nest the keys under their section: { docker: { key: value } }.',
    });
  });

  test('GIVEN an unknown prop with nothing close WHEN checked THEN the fix mentions rawToml', () => {
    const config = new RunnerConfig({ somethingElse: true } as never);
    expect(config.diagnostics()).toEqual([
      {
        level: 'error',
        path: 'somethingElse',
        message: 'got true, but RunnerConfigProps (the global section) has no property "somethingElse". Fix: remove it, or set a raw TOML key through rawToml.',
      },
    ]);
  });

  test('GIVEN rawToml that is not a table WHEN checked THEN an error', () => {
    const config = new RunnerConfig({ rawToml: 'concurrent = 1' as never });
    expect(config.diagnostics()).toEqual([
      { level: 'error', path: 'rawToml', message: 'got "concurrent = 1", expected a table of raw TOML keys, e.g. { kubernetes: { namespace: "ci" } }. Fix: pass an object.' },
    ]);
  });
});
