import { RunnerConfig } from '../../lib';
import { parse } from 'smol-toml';
import { markParsedFloats } from '../../lib/private/config/float-marks';
import type { TomlTable } from '../../lib/private/config/schema-types';
import { lint, lintData, lintToml } from './validate-fixture';

describe('types and ranges (F09)', () => {
  test('GIVEN an integer key given "30" WHEN validated THEN the error names the expected type and the fix', () => {
    expect(lint({ machine: 'IdleCount = "30"' })).toEqual([
      'error: runners[0].machine.IdleCount: got "30" (a string), expected an integer >= 0. Fix: write 30 without quotes.',
    ]);
  });

  test('GIVEN IdleTime = 1800.5 WHEN validated THEN it must be a whole number of seconds', () => {
    expect(lint({ machine: 'IdleTime = 1800.5' })).toEqual([
      'error: runners[0].machine.IdleTime: got 1800.5, expected a whole number of seconds >= 0. Fix: write 1800.',
    ]);
  });

  test('GIVEN a negative IdleTime WHEN validated THEN it is out of range', () => {
    expect(lint({ machine: 'IdleTime = -5' })).toEqual([
      'error: runners[0].machine.IdleTime: got -5, expected a whole number of seconds >= 0. Fix: write 0 or more.',
    ]);
  });

  test.each([['1'], ['1.0'], ['1e-11'], ['0']])('GIVEN IdleScaleFactor = %s WHEN validated THEN integers and floats are both accepted', (v) => {
    expect(lint({ machine: `IdleCount = 2\nIdleScaleFactor = ${v}` })).toEqual([]);
  });

  test('GIVEN a float key given nan WHEN validated THEN it must be finite', () => {
    expect(lint({ machine: 'IdleCount = 2\nIdleScaleFactor = nan' })).toEqual([
      'error: runners[0].machine.IdleScaleFactor: got nan, expected a finite number >= 0. Fix: write a number >= 0, e.g. 0.0.',
    ]);
  });

  test('GIVEN a float key given a negative number WHEN validated THEN it is out of range', () => {
    expect(lint({ machine: 'IdleCount = 2\nIdleScaleFactor = -0.5' })).toEqual([
      'error: runners[0].machine.IdleScaleFactor: got -0.5, expected a finite number >= 0. Fix: write a number >= 0, e.g. 0.0.',
    ]);
  });

  test('GIVEN a float key given "0.5" WHEN validated THEN the error names the type', () => {
    expect(lint({ machine: 'IdleCount = 2\nIdleScaleFactor = "0.5"' })).toEqual([
      'error: runners[0].machine.IdleScaleFactor: got "0.5" (a string), expected a finite number >= 0. Fix: write 0.5 without quotes.',
    ]);
  });

  test('GIVEN a float key given a word WHEN validated THEN the error names the type', () => {
    expect(lint({ machine: 'IdleCount = 2\nIdleScaleFactor = "half"' })).toEqual([
      'error: runners[0].machine.IdleScaleFactor: got "half", expected a finite number >= 0. Fix: write a number without quotes, e.g. 0.5.',
    ]);
  });

  test('GIVEN output_limit = 52428800 WHEN validated THEN it is a valid integer with a unit warning', () => {
    expect(lint({ runner: 'output_limit = 52428800' })).toEqual([
      'warning: runners[0].output_limit: is 52428800 kilobytes (50.0 GiB of job log); output_limit is in kilobytes, not bytes. Fix: if you meant 52428800 bytes, write 51200.',
    ]);
  });

  test('GIVEN output_limit = 16384 WHEN validated THEN nothing is reported', () => {
    expect(lint({ runner: 'output_limit = 16384' })).toEqual([]);
  });

  test('GIVEN concurrent = 0 WHEN validated THEN it must be at least 1', () => {
    expect(lint({ concurrent: '0' })).toEqual([
      'error: concurrent: got 0, expected an integer >= 1 (the runner exits at start when concurrent is 0). Fix: write 1 or more.',
    ]);
  });

  test('GIVEN an integer beyond int64 WHEN validated THEN it is out of range', () => {
    expect(lintToml('concurrent = 9223372036854775807\ncheck_interval = 1.5e300')).toEqual([
      'error: check_interval: got 1.5e+300, expected a whole number of seconds >= 0. Fix: write 9223372036854775807 or less.',
    ]);
  });

  test('GIVEN a port above 65535 WHEN validated THEN the range is named', () => {
    expect(
      lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\n[runners.autoscaler.connector_config]\nprotocol_port = 70000' }),
    ).toEqual([
      'error: runners[0].autoscaler.connector_config.protocol_port: got 70000, expected an integer from 0 to 65535 (0 means the protocol default). Fix: write 65535 or less.',
    ]);
  });

  test('GIVEN keys with negative sentinels WHEN validated THEN -1 is allowed where it means something', () => {
    expect(lint({ docker: 'services_limit = -1\nwait_for_services_timeout = -1\noom_score_adjust = -1000' })).toEqual([]);
    expect(lint({ docker: 'oom_score_adjust = -2000\nservices_limit = -2' })).toEqual([
      'error: runners[0].docker.oom_score_adjust: got -2000, expected an integer from -1000 to 1000. Fix: write -1000 or more.',
      'error: runners[0].docker.services_limit: got -2, expected an integer >= -1 (-1 means no limit). Fix: write -1 or more.',
    ]);
  });

  test('GIVEN booleans written as strings or numbers WHEN validated THEN the fix gives the boolean', () => {
    expect(lint({ docker: 'privileged = "true"\ntls_verify = 1\ndisable_cache = "yes"' })).toEqual([
      'error: runners[0].docker.privileged: got "true" (a string), expected true or false. Fix: write true without quotes.',
      'error: runners[0].docker.tls_verify: got 1, expected true or false. Fix: write true.',
      'error: runners[0].docker.disable_cache: got "yes" (a string), expected true or false. Fix: write true or false.',
    ]);
  });

  test('GIVEN a string key given a number or a table WHEN validated THEN the error names the type', () => {
    expect(lint({ docker: 'runtime = 5\nuserns_mode = { a = 1 }' })).toEqual([
      'error: runners[0].docker.runtime: got 5, expected a string. Fix: write "5" in quotes.',
      'error: runners[0].docker.userns_mode: got {"a":1}, expected a string. Fix: write a quoted string.',
    ]);
  });

  test('GIVEN duration keys WHEN given a bare number, words or no unit THEN each gets a specific fix', () => {
    expect(lint({ runner: 'unhealthy_interval = 1800\nprepare_timeout = "30 minutes"\nget_sources_timeout = "30"\nconnection_max_age = " 15m"' }).slice(0, 3)).toEqual([
      'error: runners[0].unhealthy_interval: got 1800, expected a Go duration string such as "90s", "30m" or "1h30m" (units ns, us, ms, s, m, h); a bare number is read as nanoseconds. Fix: write "1800s" if you meant seconds.',
      'error: runners[0].prepare_timeout: got "30 minutes", expected a Go duration string such as "90s", "30m" or "1h30m" (units ns, us, ms, s, m, h). Fix: write "30m".',
      'error: runners[0].get_sources_timeout: got "30", expected a Go duration string such as "90s", "30m" or "1h30m" (units ns, us, ms, s, m, h). Fix: add a unit, e.g. "30s" for seconds or "30m" for minutes.',
    ]);
    expect(lintToml('concurrent = 1\nconnection_max_age = " 15m"\nshutdown_timeout = 30')).toEqual([
      'error: connection_max_age: got " 15m", expected a Go duration string such as "90s", "30m" or "1h30m" (units ns, us, ms, s, m, h). Fix: write "15m" without spaces.',
    ]);
  });

  test.each([['"1h30m"'], ['"0"'], ['"1.5h"'], ['"500ms"'], ['"10µs"']])('GIVEN the duration %s WHEN validated THEN it is accepted', (v) => {
    expect(lint({ runner: `unhealthy_interval = ${v}` })).toEqual([]);
  });

  test('GIVEN datetime keys WHEN given a TOML datetime or a bad string THEN only the bad one is reported', () => {
    expect(lint({ runner: 'token_obtained_at = 2024-01-01T00:00:00Z\ntoken_expires_at = "soon"' })).toEqual([
      'error: runners[0].token_expires_at: got "soon", expected an RFC 3339 date-time with offset such as 2026-01-01T00:00:00Z. Fix: write it unquoted in that form.',
    ]);
  });

  test('GIVEN an integer in a float key that a float cannot hold exactly WHEN validated THEN an error (fmt would change the number)', () => {
    expect(lint({ machine: 'IdleScaleFactor = 9007199254740993' })).toEqual([
      'error: runners[0].machine.IdleScaleFactor: got 9007199254740993, which a float cannot hold exactly (it would be read as 9007199254740992); expected a finite number >= 0. Fix: write 9007199254740992.0 if that is what you mean, or a smaller value.',
    ]);
    expect(lint({ machine: 'IdleCount = 1\nIdleScaleFactor = 9007199254740992' })).toEqual([]); // exact: fine
  });

  test('GIVEN an integer prop beyond 2^53 - 1 as a JS number WHEN validated THEN an error (its digits may already be lost)', () => {
    const config = new RunnerConfig({ concurrent: 9007199254740993, runners: [{ name: 'a', url: 'https://gitlab.example.com', token: 'glrt-PLACEHOLDERPLACEHOLDER', executor: 'shell' }] });
    expect(config.diagnostics().map((d) => `${d.path}: ${d.message}`)).toEqual([
      'concurrent: got 9007199254740992, beyond 9007199254740991 (2^53 - 1), where a JavaScript number cannot hold every integer, so the value may not be the one written; expected an integer >= 1 (the runner exits at start when concurrent is 0). Fix: write a value from 1 to 9007199254740991.',
    ]);
  });

  test('GIVEN an invalid Date in typed props WHEN validated and rendered THEN a diagnostic with the path, not a crash', () => {
    const config = new RunnerConfig({ concurrent: 1, runners: [{ name: 'a', url: 'https://gitlab.example.com', token: 'glrt-PLACEHOLDERPLACEHOLDER', executor: 'shell', tokenObtainedAt: new Date('not a date') as never }] });
    const expected = 'runners[0].token_obtained_at: got an invalid Date, expected an RFC 3339 date-time with offset such as 2026-01-01T00:00:00Z. Fix: write it unquoted in that form.';
    expect(config.diagnostics().map((d) => `${d.path}: ${d.message}`)).toEqual([expected]);
    expect(() => config.render()).toThrow(expected);
  });

  test('GIVEN string arrays WHEN given a single string or a non-string element THEN both are reported', () => {
    expect(lint({ docker: 'volumes = "/cache"\ndns = ["1.1.1.1", 8]' })).toEqual([
      'error: runners[0].docker.volumes: got "/cache", expected an array of strings. Fix: write ["/cache"].',
      'error: runners[0].docker.dns[1]: got 8, expected a string. Fix: write "8" in quotes.',
    ]);
  });

  test('GIVEN maps WHEN the map or a value has the wrong type THEN the path names the map key', () => {
    expect(lint({ docker: 'sysctls = 5\ntmpfs = { "/tmp" = 5 }\nservices_devices = { a = "b" }' })).toEqual([
      'error: runners[0].docker.sysctls: got 5, expected a table of strings (key = value). Fix: write it as a table, e.g. { key = ... }.',
      'error: runners[0].docker.tmpfs."/tmp": got 5, expected a string. Fix: write "5" in quotes.',
      'error: runners[0].docker.services_devices.a: got "b", expected an array of strings. Fix: write ["b"].',
    ]);
    expect(lint({ runner: 'feature_flags = { FF_USE_FASTZIP = "true" }' })).toEqual([
      'error: runners[0].feature_flags.FF_USE_FASTZIP: got "true" (a string), expected true or false. Fix: write true without quotes.',
    ]);
  });

  test('GIVEN a float array with a string WHEN validated THEN the element is reported', () => {
    expect(
      lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\ninstance_creation_time_buckets = [1, 2.5, "x"]' }),
    ).toEqual([
      'error: runners[0].autoscaler.instance_creation_time_buckets[2]: got "x", expected a finite number >= 0. Fix: write a number without quotes, e.g. 0.5.',
    ]);
  });

  test('GIVEN pull_policy as one string or a list WHEN validated THEN both forms are accepted', () => {
    expect(lint({ docker: 'pull_policy = "if-not-present"' })).toEqual([]);
    expect(lint({ docker: 'pull_policy = ["always", "if-not-present"]' })).toEqual([]);
  });
});

describe('table shapes (F08)', () => {
  test('GIVEN autoscaling as an inline table WHEN validated THEN the error names [[runners.machine.autoscaling]]', () => {
    expect(lint({ machine: 'autoscaling = { Periods = ["* * 8-18 * * mon-fri *"], IdleCount = 1 }' })).toEqual([
      'error: runners[0].machine.autoscaling: got a single table {"Periods":["* * 8-18 * * mon-fri *"],"IdleCount":1}, expected an array of tables [[runners.machine.autoscaling]]. Fix: write each entry under its own [[runners.machine.autoscaling]] header.',
    ]);
  });

  test('GIVEN autoscaling as a [single] table WHEN validated THEN the same error is reported', () => {
    expect(lint({ after: '[runners.machine.autoscaling]\nPeriods = ["* * 8-18 * * mon-fri *"]' })).toEqual([
      'error: runners[0].machine.autoscaling: got a single table {"Periods":["* * 8-18 * * mon-fri *"]}, expected an array of tables [[runners.machine.autoscaling]]. Fix: write each entry under its own [[runners.machine.autoscaling]] header.',
    ]);
  });

  test('GIVEN an array of tables with a non-table element WHEN validated THEN the element is reported', () => {
    expect(lint({ machine: 'autoscaling = [1]' })).toEqual([
      'error: runners[0].machine.autoscaling[0]: got 1, expected a table (one [[runners.machine.autoscaling]] entry). Fix: write the entry as a table of keys under [[runners.machine.autoscaling]].',
    ]);
  });

  test('GIVEN [runners] as a single table WHEN validated THEN the error names [[runners]]', () => {
    expect(lintToml('concurrent = 1\n[runners]\nurl = "https://gitlab.example.com"')).toEqual([
      'error: runners: got a single table {"url":"https://gitlab.example.com"}, expected an array of tables [[runners]]. Fix: write each entry under its own [[runners]] header.',
    ]);
  });

  test('GIVEN [[runners.cache]] or a scalar where a single table is expected WHEN validated THEN the error names [runners.cache]', () => {
    expect(lint({ after: '[[runners.cache]]\nType = "s3"' })).toEqual([
      'error: runners[0].cache: got [{"Type":"s3"}], expected a single table [runners.cache]. Fix: write a single [runners.cache] table, not an array of tables.',
    ]);
    expect(lint({ runner: 'cache = "s3"' })).toEqual([
      'error: runners[0].cache: got "s3", expected a single table [runners.cache]. Fix: write it as a [runners.cache] table.',
    ]);
  });
});

describe('enums', () => {
  test('GIVEN executor in the wrong case WHEN validated THEN it suggests the canonical value and skips executor rules', () => {
    expect(lint({ executor: '"Docker+Machine"' })).toEqual([
      'error: runners[0].executor: got "Docker+Machine", expected one of "shell", "custom", "instance", "docker", "docker-windows", "docker-autoscaler", "docker+machine", "kubernetes", "ssh", "parallels", "virtualbox". Did you mean "docker+machine"? Fix: write "docker+machine".',
    ]);
  });

  test('GIVEN an executor far from any value WHEN validated THEN it lists the values without a guess', () => {
    expect(lint({ executor: '"vm"' })).toEqual([
      'error: runners[0].executor: got "vm", expected one of "shell", "custom", "instance", "docker", "docker-windows", "docker-autoscaler", "docker+machine", "kubernetes", "ssh", "parallels", "virtualbox". Fix: use one of these values.',
    ]);
  });

  test('GIVEN log_level and log_format typos WHEN validated THEN each is reported', () => {
    expect(lint({ global: 'log_level = "verbose"\nlog_format = "jsn"' })).toEqual([
      'error: log_level: got "verbose", expected one of "debug", "info", "warn", "warning", "error", "fatal", "panic". Fix: use one of these values.',
      'error: log_format: got "jsn", expected one of "runner", "text", "json". Did you mean "json"? Fix: write "json".',
    ]);
  });

  test('GIVEN pull_policy values with typos WHEN validated THEN each element is reported', () => {
    expect(lint({ docker: 'pull_policy = ["always", "if_not_present"]' })).toEqual([
      'error: runners[0].docker.pull_policy[1]: got "if_not_present", expected one of "always", "if-not-present", "never". Did you mean "if-not-present"? Fix: write "if-not-present".',
    ]);
  });

  test('GIVEN allowed_pull_policies with a bad value WHEN validated THEN it uses the pull policy values', () => {
    expect(lint({ docker: 'allowed_pull_policies = ["sometimes"]' })).toEqual([
      'error: runners[0].docker.allowed_pull_policies[0]: got "sometimes", expected one of "always", "if-not-present", "never". Fix: use one of these values.',
    ]);
    expect(lint({ docker: 'allowed_pull_policies = ["always", "sometimes"]' })).toEqual([
      'error: runners[0].docker.allowed_pull_policies[1]: got "sometimes", expected one of "always", "if-not-present", "never". Fix: use one of these values.',
    ]);
  });

  test('GIVEN other enumerated keys WHEN given bad values THEN each is reported', () => {
    expect(
      lint({
        runner: 'shell = "fish"',
        docker: 'helper_image_flavor = "alpine3.99"\nisolation = "hyper-v"',
        after: '[runners.cache]\nType = "S3"',
      }),
    ).toEqual([
      'error: runners[0].shell: got "fish", expected one of "bash", "sh", "powershell", "pwsh", "cmd". Fix: use one of these values.',
      'error: runners[0].docker.helper_image_flavor: got "alpine3.99", expected one of "alpine", "alpine3.21", "alpine-latest", "ubi-fips", "ubuntu". Did you mean "alpine3.21"? Fix: write "alpine3.21".',
      'error: runners[0].docker.isolation: got "hyper-v", expected one of "default", "hyperv", "process". Did you mean "hyperv"? Fix: write "hyperv".',
      'error: runners[0].cache.Type: got "S3", expected one of "s3", "gcs", "azure". Did you mean "s3"? Fix: write "s3".',
    ]);
  });

  test('GIVEN S3 AuthenticationType and connector protocol typos WHEN validated THEN both are reported', () => {
    expect(
      lint({
        executor: '"docker-autoscaler"',
        machine: null,
        after:
          '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nAuthenticationType = "IAM"\n[runners.autoscaler]\nplugin = "aws"\n[runners.autoscaler.connector_config]\nprotocol = "rdp"',
      }),
    ).toEqual([
      'error: runners[0].cache.s3.AuthenticationType: got "IAM", expected one of "access-key", "iam". Did you mean "iam"? Fix: write "iam".',
      'error: runners[0].autoscaler.connector_config.protocol: got "rdp", expected one of "ssh", "winrm", "winrm+https". Fix: use one of these values.',
    ]);
  });
});

describe('floats in integer keys of imported files', () => {
  test('GIVEN IdleCount = 1.0 parsed from a file and marked as a float WHEN validated THEN it is an error', () => {
    const data = parse('concurrent = 2.0\n[[runners]]\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER"\nexecutor = "shell"\nlimit = 2', {
      integersAsBigInt: true,
    }) as TomlTable;
    markParsedFloats(data);
    expect(lintData(data)).toEqual([
      'error: concurrent: got 2.0 (a float), expected an integer >= 1 (the runner exits at start when concurrent is 0); the runner refuses a float here. Fix: write 2.',
    ]);
  });
});
