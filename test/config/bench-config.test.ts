/**
 * The bench's config is valid (so `npm run bench` measures real validate+render work, not an
 * early error). No timing assertions here.
 */
import { benchProps, benchRunner, RUNNERS } from '../../bench/config';
import { RunnerConfig } from '../../lib/config/runner-config';

test('GIVEN the bench config WHEN checked THEN it has 1,000 runners and no error', () => {
  const props = benchProps();
  expect(props.runners).toHaveLength(RUNNERS);
  expect(RUNNERS).toBe(1000);
  const errors = new RunnerConfig(props).diagnostics().filter((d) => d.level === 'error');
  expect(errors).toEqual([]);
});

test('GIVEN one bench runner WHEN rendered THEN it exercises machine autoscaling, S3 cache and services', () => {
  const out = new RunnerConfig({ runners: [benchRunner(7)] }).render();
  expect(out).toContain('[[runners.machine.autoscaling]]');
  expect(out).toContain('[runners.cache.s3]');
  expect(out).toContain('[[runners.docker.services]]');
  expect(out).toContain('    IdleScaleFactor = 1.5\n');
});
