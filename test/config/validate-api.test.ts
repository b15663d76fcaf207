import { Token } from 'cdktf';
import { checkRegistrationSettings, checkStopTimeout, redact, tokenKind } from '../../lib/private/config/validate';

describe('helpers exported for the constructs', () => {
  test.each([
    ['glrt-PLACEHOLDER', 'authentication'],
    ['glrt-t3_PLACEHOLDER', 'authentication'],
    ['GR1348941PLACEHOLDER', 'registration'],
    ['glrtr-PLACEHOLDER', 'registration'],
    ['PLACEHOLDER00000000', 'legacy'],
    ['', 'empty'],
    ['$RUNNER_TOKEN', 'reference'],
    ['${RUNNER_TOKEN}', 'reference'],
  ])('GIVEN the token %j WHEN classified THEN it is %s', (token, kind) => {
    expect(tokenKind(token)).toBe(kind);
  });

  test('GIVEN a Terraform reference WHEN classified THEN it is a reference', () => {
    expect(tokenKind(Token.asString({ Ref: 'var.token' }))).toBe('reference');
  });

  test('GIVEN secrets WHEN redacted THEN only the well-known prefix and surrounding whitespace remain', () => {
    expect(redact('glrt-t1_ABCDEF\n')).toBe('"glrt-t1_<redacted>\\n"');
    expect(redact(' SECRET')).toBe('" <redacted>"');
    expect(redact('')).toBe('""');
  });

  test('GIVEN registration settings next to a glrt- token WHEN checked THEN each set one is an error at its prop path', () => {
    expect(checkRegistrationSettings('glrt-PLACEHOLDER', { 'registration.tagList': ['docker'], 'registration.locked': undefined, 'registration.paused': false })).toEqual([
      {
        level: 'error',
        path: 'registration.tagList',
        message:
          'got ["docker"], but with an authentication token (glrt-) this is a setting of the runner object in GitLab, not of the registration (gitlab-runner register rejects it). Fix: remove it here and set it on the runner in GitLab (runner settings page, or POST /user/runners).',
      },
      {
        level: 'error',
        path: 'registration.paused',
        message:
          'got false, but with an authentication token (glrt-) this is a setting of the runner object in GitLab, not of the registration (gitlab-runner register rejects it). Fix: remove it here and set it on the runner in GitLab (runner settings page, or POST /user/runners).',
      },
    ]);
  });

  test('GIVEN registration settings next to a registration token or a reference WHEN checked THEN nothing is reported', () => {
    expect(checkRegistrationSettings('GR1348941PLACEHOLDER', { tagList: ['docker'] })).toEqual([]);
    expect(checkRegistrationSettings(Token.asString({ Ref: 'var.token' }), { tagList: ['docker'] })).toEqual([]);
  });

  test('GIVEN a stop timeout below the longest job timeout (F13) WHEN checked THEN a warning gives the minimum', () => {
    expect(checkStopTimeout('service.stopTimeoutSeconds', 600, 3600)).toEqual({
      level: 'warning',
      path: 'service.stopTimeoutSeconds',
      message:
        'is 600 seconds, shorter than the longest job timeout (3600 seconds); a graceful stop (SIGQUIT) waits for running jobs, but systemd kills the runner after the stop timeout, so longer jobs are lost on upgrade or restart. Fix: set it to at least 3600 seconds.',
    });
  });

  test('GIVEN a stop timeout covering the job timeout, or an unresolved value WHEN checked THEN nothing is reported', () => {
    expect(checkStopTimeout('s', 7200, 3600)).toBeUndefined();
    expect(checkStopTimeout('s', Token.asNumber({ Ref: 'var.stop' }), 3600)).toBeUndefined();
  });
});
