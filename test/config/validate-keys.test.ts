import { lint, lintToml } from './validate-fixture';

describe('removed, deprecated and unknown keys', () => {
  test('GIVEN the OffPeak* keys (F08) WHEN validated THEN each is an error naming its [[runners.machine.autoscaling]] replacement', () => {
    expect(lint({ machine: 'OffPeakPeriods = ["* * 9-17 * * mon-fri *"]\nOffPeakIdleCount = 0\nOffPeakIdleTime = 1200\nOffPeakTimezone = "UTC"' })).toEqual([
      'error: runners[0].machine.OffPeakPeriods: got ["* * 9-17 * * mon-fri *"], but OffPeakPeriods was removed in GitLab Runner 14.0 and is ignored; its replacement is [[runners.machine.autoscaling]]. Fix: move the setting to [[runners.machine.autoscaling]].',
      'error: runners[0].machine.OffPeakIdleCount: got 0, but OffPeakIdleCount was removed in GitLab Runner 14.0 and is ignored; its replacement is IdleCount in a [[runners.machine.autoscaling]] entry. Fix: move the setting to IdleCount in a [[runners.machine.autoscaling]] entry.',
      'error: runners[0].machine.OffPeakIdleTime: got 1200, but OffPeakIdleTime was removed in GitLab Runner 14.0 and is ignored; its replacement is IdleTime in a [[runners.machine.autoscaling]] entry. Fix: move the setting to IdleTime in a [[runners.machine.autoscaling]] entry.',
      'error: runners[0].machine.OffPeakTimezone: got "UTC", but OffPeakTimezone was removed in GitLab Runner 14.0 and is ignored; its replacement is Timezone in a [[runners.machine.autoscaling]] entry. Fix: move the setting to Timezone in a [[runners.machine.autoscaling]] entry.',
    ]);
  });

  test('GIVEN pre_clone_script and post_clone_script WHEN validated THEN the fix renames them', () => {
    expect(lint({ runner: 'pre_clone_script = "echo pre"\npost_clone_script = "echo post"' })).toEqual([
      'error: runners[0].pre_clone_script: got "echo pre", but pre_clone_script was removed from [[runners]] in GitLab Runner 17.0 and is ignored; its replacement is pre_get_sources_script. Fix: rename pre_clone_script to pre_get_sources_script.',
      'error: runners[0].post_clone_script: got "echo post", but post_clone_script was removed from [[runners]] in GitLab Runner 17.0 and is ignored; its replacement is post_get_sources_script. Fix: rename post_clone_script to post_get_sources_script.',
    ]);
  });

  test('GIVEN S3 keys at the top of [runners.cache] WHEN validated THEN the fix moves them to [runners.cache.s3]', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\nServerAddress = "s3.amazonaws.com"\nBucketName = "b"\n[runners.cache.s3]\nBucketName = "b"' })).toEqual([
      'error: runners[0].cache.ServerAddress: got "s3.amazonaws.com", but ServerAddress was removed from [runners.cache] in GitLab Runner 12.0 and is ignored; its replacement is ServerAddress in [runners.cache.s3]. Fix: move the setting to ServerAddress in [runners.cache.s3].',
      'error: runners[0].cache.BucketName: got "b", but BucketName was removed from [runners.cache] in GitLab Runner 12.0 and is ignored; its replacement is BucketName in [runners.cache.s3]. Fix: move the setting to BucketName in [runners.cache.s3].',
    ]);
  });

  test('GIVEN the global metrics_server WHEN validated THEN the fix renames it to listen_address', () => {
    expect(lint({ global: 'metrics_server = ":9252"' })).toEqual([
      'error: metrics_server: got ":9252", but metrics_server was removed from the global section in GitLab Runner 12.0 and is ignored; its replacement is listen_address. Fix: rename metrics_server to listen_address.',
    ]);
  });

  test('GIVEN the deprecated UploadRoleARN WHEN validated THEN a warning names RoleARN', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nUploadRoleARN = "arn:aws:iam::123456789012:role/placeholder"' })).toEqual([
      'warning: runners[0].cache.s3.UploadRoleARN: UploadRoleARN is deprecated (still read for now); its replacement is RoleARN. Fix: rename UploadRoleARN to RoleARN.',
    ]);
  });

  test('GIVEN a deprecated usage logger key WHEN validated THEN a warning names the logrotate table', () => {
    expect(lintToml('concurrent = 1\n[experimental.usage_logger]\nlog_dir = "/var/log/usage"')).toEqual([
      'warning: experimental.usage_logger.log_dir: log_dir is deprecated (still read for now); its replacement is log_dir in [experimental.usage_logger.logrotate]. Fix: move the setting to log_dir in [experimental.usage_logger.logrotate].',
    ]);
  });

  test('GIVEN keys in the wrong case WHEN validated THEN the fix gives the canonical spelling', () => {
    expect(lint({ machine: 'idlecount = 1\nmachinedriver = "amazonec2"' })).toEqual([
      'error: runners[0].machine.idlecount: idlecount is not the spelling the runner writes; the runner matches it to IdleCount only by a case-insensitive fallback. Fix: use the canonical spelling IdleCount.',
      'error: runners[0].machine.machinedriver: machinedriver is not the spelling the runner writes; the runner matches it to MachineDriver only by a case-insensitive fallback. Fix: use the canonical spelling MachineDriver.',
    ]);
  });

  test('GIVEN misspelled keys WHEN validated THEN a close key is suggested', () => {
    expect(lint({ machine: 'IdelCount = 1', docker: 'imagee = "alpine"' })).toEqual([
      'error: runners[0].docker.imagee: unknown key imagee in [runners.docker] (the runner ignores it). Did you mean image? Fix: rename imagee to image.',
      'error: runners[0].machine.IdelCount: unknown key IdelCount in [runners.machine] (the runner ignores it). Did you mean IdleCount? Fix: rename IdelCount to IdleCount.',
    ]);
  });

  test('GIVEN keys of another section WHEN validated THEN the error names where they belong', () => {
    expect(lint({ runner: 'IdleCount = 1\nidletime = 5' })).toEqual([
      'error: runners[0].IdleCount: unknown key IdleCount in [[runners]] (the runner ignores it); IdleCount is a key of [runners.machine] or [[runners.machine.autoscaling]]. Fix: move it to [runners.machine] or [[runners.machine.autoscaling]].',
      'error: runners[0].idletime: unknown key idletime in [[runners]] (the runner ignores it); IdleTime is a key of [runners.machine] or [[runners.machine.autoscaling]]. Fix: move it to [runners.machine] or [[runners.machine.autoscaling]] and spell it IdleTime.',
    ]);
  });

  test('GIVEN an unknown key with no close match WHEN validated THEN the error links the section docs', () => {
    expect(lint({ runner: 'flavour_of_the_day = 1' })).toEqual([
      'error: runners[0].flavour_of_the_day: unknown key flavour_of_the_day in [[runners]] (the runner ignores it). Fix: remove it, or check the spelling against https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runners-section.',
    ]);
  });

  test('GIVEN an unknown global key WHEN validated THEN it is reported in the global section', () => {
    expect(lintToml('concurrent = 1\nfoo = 1')).toEqual([
      'error: foo: unknown key foo in the global section (the runner ignores it). Fix: remove it, or check the spelling against https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-global-section.',
    ]);
  });

  test('GIVEN free-form plugin_config keys WHEN validated THEN they are not checked', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[runners.autoscaler.plugin_config]\nwhatever = 1\nName = "x"' })).toEqual([]);
  });

  test('GIVEN raw [runners.kubernetes] keys WHEN validated THEN they are not checked', () => {
    expect(lint({ executor: '"kubernetes"', machine: null, docker: null, after: '[runners.kubernetes]\nnamespace = "ci"\nanything = 1' })).toEqual([]);
  });
});
