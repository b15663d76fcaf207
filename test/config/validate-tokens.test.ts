import { lint, lintToml } from './validate-fixture';

describe('tokens and secrets (F03)', () => {
  test('GIVEN a glrt- token with every registration-only setting WHEN validated THEN each is an error saying it belongs to the runner in GitLab', () => {
    expect(lint({ runner: 'tag_list = ["docker"]\nrun_untagged = true\nlocked = false\naccess_level = "ref_protected"\nmaximum_timeout = 3600\npaused = false\nmaintenance_note = "note"' })).toEqual([
      'error: runners[0].tag_list: got ["docker"], but tag_list is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove tag_list here and set tag_list on the runner in GitLab (runner settings page, or the tag_list attribute of POST /user/runners).',
      'error: runners[0].run_untagged: got true, but run_untagged is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove run_untagged here and set run_untagged on the runner in GitLab (runner settings page, or the run_untagged attribute of POST /user/runners).',
      'error: runners[0].locked: got false, but locked is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove locked here and set locked on the runner in GitLab (runner settings page, or the locked attribute of POST /user/runners).',
      'error: runners[0].access_level: got "ref_protected", but access_level is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove access_level here and set access_level on the runner in GitLab (runner settings page, or the access_level attribute of POST /user/runners).',
      'error: runners[0].maximum_timeout: got 3600, but maximum_timeout is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove maximum_timeout here and set maximum_timeout on the runner in GitLab (runner settings page, or the maximum_timeout attribute of POST /user/runners).',
      'error: runners[0].paused: got false, but paused is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove paused here and set paused on the runner in GitLab (runner settings page, or the paused attribute of POST /user/runners).',
      'error: runners[0].maintenance_note: got "note", but maintenance_note is not a config.toml key: this runner uses an authentication token (glrt-), so it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove maintenance_note here and set maintenance_note on the runner in GitLab (runner settings page, or the maintenance_note attribute of POST /user/runners).',
    ]);
  });

  test('GIVEN an older runner token with tag_list WHEN validated THEN tag_list is still not a config.toml key', () => {
    expect(lint({ token: '"PLACEHOLDER00000000000"', runner: 'tags = ["docker"]' })).toEqual([
      'error: runners[0].tags: got ["docker"], but tags is not a config.toml key: with an authentication token (glrt-) it is a setting of the runner object in GitLab (and gitlab-runner register rejects it together with a glrt- token). Fix: remove tags here and set tag_list on the runner in GitLab (runner settings page, or the tag_list attribute of POST /user/runners).',
    ]);
  });

  test('GIVEN registration_token in [[runners]] WHEN validated THEN the error points to token', () => {
    expect(lint({ runner: 'registration_token = "GR1348941PLACEHOLDER"' })).toEqual([
      'error: runners[0].registration_token: registration_token is not a config.toml key; config.toml holds the runner authentication token in token. Fix: remove registration_token and set token; create the runner in GitLab (UI, or POST /user/runners) and use its authentication token, which starts with glrt-.',
    ]);
  });

  test('GIVEN a token with a trailing newline WHEN validated THEN it is an error that does not echo the token', () => {
    expect(lint({ token: '"glrt-PLACEHOLDER0000000000000\\n"' })).toEqual([
      'error: runners[0].token: got "glrt-<redacted>\\n" (a trailing newline), expected a token without whitespace. Fix: remove the whitespace (trim the value when you read it from a file or variable).',
    ]);
  });

  test('GIVEN a token with leading whitespace WHEN validated THEN it is an error', () => {
    expect(lint({ token: '" glrt-PLACEHOLDER0000000000000"' })).toEqual([
      'error: runners[0].token: got " glrt-<redacted>" (leading whitespace), expected a token without whitespace. Fix: remove the whitespace (trim the value when you read it from a file or variable).',
    ]);
  });

  test('GIVEN a token with whitespace inside WHEN validated THEN it is an error', () => {
    expect(lint({ token: '"glrt-PLACE HOLDER"' })).toEqual([
      'error: runners[0].token: got "glrt-<redacted>" (whitespace inside), expected a token without whitespace. Fix: remove the whitespace (trim the value when you read it from a file or variable).',
    ]);
  });

  test('GIVEN an empty token WHEN validated THEN the fix says where the token comes from', () => {
    expect(lint({ token: '""' })).toEqual([
      'error: runners[0].token: got "", expected the runner authentication token. Fix: create the runner in GitLab (UI, or POST /user/runners) and use its authentication token, which starts with glrt-.',
    ]);
  });

  test('GIVEN a GR1348941 registration token as token WHEN validated THEN it is an error', () => {
    expect(lint({ token: '"GR1348941PLACEHOLDER"' })).toEqual([
      'error: runners[0].token: got "GR1348941<redacted>", a registration token; config.toml needs the runner authentication token, not a registration token. Fix: create the runner in GitLab (UI, or POST /user/runners) and use its authentication token, which starts with glrt- (registration tokens are deprecated and only work with gitlab-runner register).',
    ]);
  });

  test('GIVEN a glrtr- registration token as token WHEN validated THEN it is an error', () => {
    expect(lint({ token: '"glrtr-PLACEHOLDER"' })).toEqual([
      'error: runners[0].token: got "glrtr-<redacted>", a registration token; config.toml needs the runner authentication token, not a registration token. Fix: create the runner in GitLab (UI, or POST /user/runners) and use its authentication token, which starts with glrt- (registration tokens are deprecated and only work with gitlab-runner register).',
    ]);
  });

  test('GIVEN only a token prefix WHEN validated THEN it is an error', () => {
    expect(lint({ token: '"glrt-t2_"' })).toEqual([
      'error: runners[0].token: got "glrt-t2_<redacted>", a token prefix without a token. Fix: use the whole authentication token shown by GitLab.',
    ]);
  });

  test('GIVEN a glrt-t1_ token WHEN validated THEN it is accepted', () => {
    expect(lint({ token: '"glrt-t1_PLACEHOLDER000000000"' })).toEqual([]);
  });

  test('GIVEN url and token as $VAR references the runner expands WHEN validated THEN they are not checked', () => {
    expect(lint({ token: '"$RUNNER_TOKEN"', url: '"${CI_SERVER_URL}"' })).toEqual([]);
  });

  test('GIVEN an older runner token WHEN validated THEN it is accepted', () => {
    expect(lint({ token: '"PLACEHOLDER00000000000"' })).toEqual([]);
  });

  test('GIVEN a runner without url, token and executor WHEN validated THEN each is required', () => {
    expect(lint({ url: null, token: null, executor: null, docker: null, machine: null })).toEqual([
      'error: runners[0].url: got nothing, but [[runners]] needs url (the GitLab instance URL, e.g. "https://gitlab.example.com"). Fix: set url.',
      'error: runners[0].token: got nothing, but [[runners]] needs token (the runner authentication token, glrt-..., of the runner created in GitLab). Fix: set token.',
      'error: runners[0].executor: got nothing, but [[runners]] needs executor (the executor, e.g. "docker+machine" or "docker-autoscaler"). Fix: set executor.',
    ]);
  });

  test('GIVEN two runners with the same token WHEN validated THEN the second gets a warning without the token value', () => {
    expect(lintToml('concurrent = 4\n[[runners]]\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER"\nexecutor = "shell"\n[[runners]]\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER"\nexecutor = "shell"')).toEqual([
      'warning: runners[1].token: is the same token as runners[0].token; two [[runners]] entries with one token poll the same runner twice. Fix: give each entry its own runner (its own token), or merge the entries.',
    ]);
  });

  test('GIVEN a storage key with a trailing newline WHEN validated THEN it is an error that does not echo the key', () => {
    expect(lint({ after: '[runners.cache]\nType = "azure"\n[runners.cache.azure]\nContainerName = "c"\nAccountName = "a"\nAccountKey = "PLACEHOLDER\\n"' })).toEqual([
      'error: runners[0].cache.azure.AccountKey: got "<redacted>\\n" (a trailing newline), expected a key without whitespace. Fix: remove the whitespace (trim the value when you read it from a file or variable).',
    ]);
  });

  test('GIVEN an S3 access key with a trailing space WHEN validated THEN it is an error', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nAccessKey = "PLACEHOLDER "\nSecretKey = "PLACEHOLDER"' })).toEqual([
      'error: runners[0].cache.s3.AccessKey: got "<redacted> " (trailing whitespace), expected a key without whitespace. Fix: remove the whitespace (trim the value when you read it from a file or variable).',
    ]);
  });

  test('GIVEN an SSH password with a trailing newline WHEN validated THEN it is a warning', () => {
    expect(lint({ executor: '"ssh"', machine: null, docker: null, after: '[runners.ssh]\nhost = "build.example.com"\npassword = "PLACEHOLDER\\n"' })).toEqual([
      'warning: runners[0].ssh.password: got "<redacted>\\n" (a trailing newline); the whitespace becomes part of the password. Fix: trim the value unless the whitespace is really part of the password.',
    ]);
  });
});

describe('secrets never appear in messages', () => {
  test('GIVEN bad-shaped secrets WHEN validated THEN no diagnostic contains their values', () => {
    const out = lint({
      token: '"glrt-SECRETVALUE1234\\n"',
      after:
        '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nAccessKey = "AKIASECRETVALUE "\nSecretKey = "SECRETVALUE2 x"\nSessionToken = "SECRETVALUE3\\t"',
    });
    expect(out).toHaveLength(4);
    expect(out.join('\n')).not.toMatch(/SECRETVALUE/);
  });
});

describe('URLs and addresses', () => {
  test('GIVEN a url with an environment variable inside WHEN validated THEN it is not checked (the runner expands it)', () => {
    expect(lint({ url: '"https://${GITLAB_HOST}/gitlab"' })).toEqual([]);
  });

  test('GIVEN a url with a trailing space WHEN validated THEN the fix trims it', () => {
    expect(lint({ url: '"https://gitlab.example.com/ "' })).toEqual([
      'error: runners[0].url: got "https://gitlab.example.com/ ", expected http(s)://host[:port][/path]; it has leading or trailing whitespace. Fix: write "https://gitlab.example.com/".',
    ]);
  });

  test('GIVEN a url without scheme WHEN validated THEN the fix adds https://', () => {
    expect(lint({ url: '"gitlab.example.com"' })).toEqual([
      'error: runners[0].url: got "gitlab.example.com", expected http(s)://host[:port][/path]; it has no http:// or https:// scheme. Fix: write "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN a url with another scheme WHEN validated THEN it is an error', () => {
    expect(lint({ url: '"ftp://gitlab.example.com"' })).toEqual([
      'error: runners[0].url: got "ftp://gitlab.example.com", expected http(s)://host[:port][/path]; the scheme ftp:// is not http:// or https://. Fix: write it as http(s)://host[:port][/path], e.g. "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN a url without a scheme but with credentials WHEN validated THEN they are not shown and the fix drops them', () => {
    expect(lint({ url: '"ci-bot:PLACEHOLDERPW@gitlab.example.com"' })).toEqual([
      'error: runners[0].url: got "<redacted>@gitlab.example.com", expected http(s)://host[:port][/path]; it has no http:// or https:// scheme. Fix: write "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN a url with credentials WHEN validated THEN the fix drops them', () => {
    expect(lint({ url: '"https://user:placeholder@gitlab.example.com/"' })).toEqual([
      'error: runners[0].url: got "https://<redacted>@gitlab.example.com/", expected http(s)://host[:port][/path]; it contains credentials (user:password@). Fix: write "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN a url with a query WHEN validated THEN the fix drops it', () => {
    expect(lint({ url: '"https://gitlab.example.com/?x=1"' })).toEqual([
      'error: runners[0].url: got "https://gitlab.example.com/?x=1", expected http(s)://host[:port][/path]; it has a query or fragment (? or #). Fix: write "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN a url ending in /api/v4 WHEN validated THEN the fix strips it', () => {
    expect(lint({ url: '"https://gitlab.example.com/gitlab/api/v4/"' })).toEqual([
      'error: runners[0].url: got "https://gitlab.example.com/gitlab/api/v4/", expected http(s)://host[:port][/path]; it ends in /api/v4, which the runner appends itself. Fix: write "https://gitlab.example.com/gitlab".',
    ]);
  });

  test('GIVEN a url without host WHEN validated THEN it is an error', () => {
    expect(lint({ url: '"https://"' })).toEqual([
      'error: runners[0].url: got "https://", expected http(s)://host[:port][/path]; it is not a valid URL. Fix: write it as http(s)://host[:port][/path], e.g. "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN an empty url WHEN validated THEN it is an error', () => {
    expect(lint({ url: '""' })).toEqual([
      'error: runners[0].url: got "", expected the GitLab instance URL http(s)://host[:port][/path]. Fix: set it, e.g. "https://gitlab.example.com".',
    ]);
  });

  test('GIVEN an http url with port and path WHEN validated THEN it is accepted', () => {
    expect(lint({ url: '"http://10.0.0.1:8080/gitlab/"' })).toEqual([]);
  });

  test('GIVEN clone_url without scheme WHEN validated THEN the same rule applies', () => {
    expect(lint({ runner: 'clone_url = "gitlab.internal"' })).toEqual([
      'error: runners[0].clone_url: got "gitlab.internal", expected http(s)://host[:port][/path]; it has no http:// or https:// scheme. Fix: write "https://gitlab.internal".',
    ]);
  });

  test('GIVEN listen and advertise addresses with scheme, without port or with a bad port WHEN validated THEN each is reported', () => {
    expect(lintToml('concurrent = 1\nlisten_address = "http://0.0.0.0:9252"\n[session_server]\nlisten_address = "0.0.0.0"\nadvertise_address = "runner.example.com:99999"')).toEqual([
      'error: listen_address: got "http://0.0.0.0:9252", expected host[:port]; it has a scheme (://). Fix: write "0.0.0.0:9252".',
      'error: session_server.listen_address: got "0.0.0.0", expected host:port; the port is missing. Fix: write it as "0.0.0.0:8093".',
      'error: session_server.advertise_address: got "runner.example.com:99999", expected host:port; the port "99999" is not 1-65535. Fix: write it as "runner.example.com:8093".',
    ]);
  });

  test('GIVEN good listen and advertise addresses WHEN validated THEN nothing is reported', () => {
    expect(lintToml('concurrent = 1\nlisten_address = "localhost"\n[session_server]\nlisten_address = "[::]:8093"\nadvertise_address = "runner.example.com:8093"')).toEqual([]);
  });

  test('GIVEN a session server on a wildcard address without advertise_address WHEN validated THEN a warning says GitLab cannot connect', () => {
    expect([lintToml('concurrent = 1\n[session_server]\nlisten_address = "0.0.0.0:8093"'), lintToml('concurrent = 1\n[session_server]\nlisten_address = "[::]:9000"'), lintToml('concurrent = 1\n[session_server]\nlisten_address = "10.0.0.5:8093"'), lintToml('concurrent = 1\n[session_server]\nlisten_address = "0.0.0.0:8093"\nadvertise_address = "runner.example.com:8093"')].flat()).toEqual([
      'warning: session_server.advertise_address: got nothing, so the runner advertises listen_address "0.0.0.0:8093" to GitLab, a wildcard address GitLab cannot connect to; web terminals will not work. Fix: set advertise_address to the host name and port GitLab reaches, e.g. "runner.example.com:8093".',
      'warning: session_server.advertise_address: got nothing, so the runner advertises listen_address "[::]:9000" to GitLab, a wildcard address GitLab cannot connect to; web terminals will not work. Fix: set advertise_address to the host name and port GitLab reaches, e.g. "runner.example.com:9000".',
    ]);
  });
});
