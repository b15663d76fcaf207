import { lint, lintToml } from './validate-fixture';

describe('[runners.autoscaler]', () => {
  test('GIVEN docker-autoscaler without plugin WHEN validated THEN plugin is required', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, runner: '', after: '[runners.autoscaler]\ncapacity_per_instance = 1' })).toEqual([
      'error: runners[0].autoscaler.plugin: got nothing, but executor "docker-autoscaler" needs plugin (the fleeting plugin that creates instances). Fix: set plugin, e.g. "aws:latest", and run gitlab-runner fleeting install.',
    ]);
  });

  test('GIVEN a plugin with whitespace WHEN validated THEN the fix trims it', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, runner: '', after: '[runners.autoscaler]\nplugin = " aws:latest"' })).toEqual([
      'error: runners[0].autoscaler.plugin: got " aws:latest", expected a fleeting plugin reference without whitespace. Fix: write "aws:latest".',
    ]);
  });

  test('GIVEN policy idle_count above max_instances x capacity_per_instance WHEN validated THEN a warning says idle_count counts job slots', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, runner: '', after: '[runners.autoscaler]\nplugin = "aws"\nmax_instances = 2\ncapacity_per_instance = 2\n[[runners.autoscaler.policy]]\nidle_count = 5\n[[runners.autoscaler.policy]]\nidle_count = 4' })).toEqual([
      'warning: runners[0].autoscaler.policy[0].idle_count: is 5, but idle_count counts job slots and max_instances = 2 x capacity_per_instance = 2 gives only 4. Fix: lower idle_count to 4 or less, or raise max_instances.',
    ]);
  });

  test('GIVEN policy idle_count with max_instances 0 (no cap) WHEN validated THEN nothing is reported', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, runner: '', after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nidle_count = 50' })).toEqual([]);
  });

  test('GIVEN policy idle_time as a bare number WHEN validated THEN it must be a duration', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, runner: '', after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nidle_time = 1200' })).toEqual([
      'error: runners[0].autoscaler.policy[0].idle_time: got 1200, expected a Go duration string such as "90s", "30m" or "1h30m" (units ns, us, ms, s, m, h); a bare number is read as nanoseconds. Fix: write "1200s" if you meant seconds.',
    ]);
  });
});

describe('[runners.docker], labels, feature flags, environment', () => {
  test('GIVEN memory sizes in words WHEN validated THEN each is an error', () => {
    expect(lint({ docker: 'memory = "2 gigs"\nmemory_swap = "-1"\nmemory_reservation = "512m"\nservice_memory = "lots"' })).toEqual([
      'error: runners[0].docker.memory: got "2 gigs", expected a size such as "512m" or "2g" (units b, k, m, g). Fix: write the size as a number with a unit, e.g. "2g".',
      'error: runners[0].docker.service_memory: got "lots", expected a size such as "512m" or "2g" (units b, k, m, g). Fix: write the size as a number with a unit, e.g. "2g".',
    ]);
  });

  test('GIVEN cpus that are not positive numbers WHEN validated THEN each is an error', () => {
    expect(lint({ docker: 'cpus = "two"\nservice_cpus = "0"' })).toEqual([
      'error: runners[0].docker.cpus: got "two", expected a positive number of CPUs as a string, e.g. "1.5". Fix: write the number of CPUs, e.g. "2".',
      'error: runners[0].docker.service_cpus: got "0", expected a positive number of CPUs as a string, e.g. "1.5". Fix: write the number of CPUs, e.g. "2".',
    ]);
  });

  test('GIVEN cpuset strings WHEN one is malformed THEN it is an error', () => {
    expect(lint({ docker: 'cpuset_cpus = "0-3,5"\ncpuset_mems = "0;1"' })).toEqual([
      'error: runners[0].docker.cpuset_mems: got "0;1", expected a CPU list such as "0-3" or "0,2". Fix: write CPU numbers and ranges separated by commas.',
    ]);
  });

  test('GIVEN a Docker host without scheme WHEN validated THEN the fix adds tcp://', () => {
    expect(lint({ docker: 'host = "10.0.0.5:2376"' })).toEqual([
      'error: runners[0].docker.host: got "10.0.0.5:2376", expected a Docker host address with scheme unix://, tcp://, npipe:// or ssh://. Fix: write "tcp://10.0.0.5:2376".',
    ]);
  });

  test('GIVEN a Docker host with an unknown scheme WHEN validated THEN it is an error', () => {
    expect(lint({ docker: 'host = "docker.example.com"' })).toEqual([
      'error: runners[0].docker.host: got "docker.example.com", expected a Docker host address with scheme unix://, tcp://, npipe:// or ssh://. Fix: write a Docker host address such as "unix:///var/run/docker.sock" or "tcp://10.0.0.5:2376".',
    ]);
  });

  test('GIVEN an image with whitespace WHEN validated THEN the fix trims it', () => {
    expect(lint({ docker: null, after: '[runners.docker]\nimage = "alpine:3.20 "' })).toEqual([
      'error: runners[0].docker.image: got "alpine:3.20 ", expected an image reference without whitespace. Fix: write "alpine:3.20".',
    ]);
  });

  test('GIVEN pull_policy values that allowed_pull_policies forbids WHEN validated THEN each is an error', () => {
    expect(lint({ docker: 'pull_policy = ["always", "never"]\nallowed_pull_policies = ["always", "if-not-present"]' })).toEqual([
      'error: runners[0].docker.pull_policy[1]: got "never", which allowed_pull_policies (["always","if-not-present"]) does not allow; jobs fail with a pull policy error. Fix: add "never" to allowed_pull_policies, or remove it from pull_policy.',
    ]);
  });

  test('GIVEN global and runner labels that break the runner patterns WHEN validated THEN each is an error', () => {
    expect(lint({ global: '[labels]\nteam = "ci"\nx = "bad value"', after: '[runners.labels]\n"env" = "prod"\n"bad key!" = "v"' })).toEqual([
      'error: labels.x: got the label name "x", expected 3 to 65 characters of letters, digits, _ . - starting with a letter, digit or _ (^[a-zA-Z0-9_][a-zA-Z0-9._-]{2,64}$); the runner refuses to start. Fix: rename the label.',
      'error: labels.x: got "bad value", expected 1 to 256 characters of letters, digits, _ . - (^[a-zA-Z0-9._-]{1,256}$); the runner refuses to start. Fix: change the label value.',
      'error: runners[0].labels."bad key!": got the label name "bad key!", expected 3 to 65 characters of letters, digits, _ . - starting with a letter, digit or _ (^[a-zA-Z0-9_][a-zA-Z0-9._-]{2,64}$); the runner refuses to start. Fix: rename the label.',
    ]);
  });

  test('GIVEN more than 32 merged labels WHEN validated THEN the runner label count is reported', () => {
    expect(lint({ global: '[labels]\n' + Array.from({ length: 20 }, (_, i) => 'global' + i + ' = "v"').join('\n'), after: '[runners.labels]\n' + Array.from({ length: 15 }, (_, i) => 'runner' + i + ' = "v"').join('\n') })).toEqual([
      'error: runners[0].labels: the global and runner labels add up to 35, more than the 32 the runner allows; it refuses to start. Fix: remove 3 labels.',
    ]);
  });

  test('GIVEN feature flag names without FF_ or in lower case WHEN validated THEN each is a warning with the fix', () => {
    expect(lint({ runner: 'feature_flags = { use_fastzip = true, ff_network_per_build = true, FF_USE_FASTZIP = true }' })).toEqual([
      'warning: runners[0].feature_flags.use_fastzip: is not a feature flag name (FF_ followed by capitals, digits and _), so the runner ignores it. Fix: write FF_USE_FASTZIP.',
      'warning: runners[0].feature_flags.ff_network_per_build: is not a feature flag name (FF_ followed by capitals, digits and _), so the runner ignores it. Fix: write FF_NETWORK_PER_BUILD.',
    ]);
  });

  test('GIVEN environment entries without NAME= WHEN validated THEN each is an error', () => {
    expect(lint({ runner: 'environment = ["FOO=bar", "DOCKER_DRIVER: overlay2", "just text"]' })).toEqual([
      'error: runners[0].environment[1]: got "DOCKER_DRIVER: overlay2", expected NAME=value (a variable name, "=", then the value). Fix: write "DOCKER_DRIVER=overlay2".',
      'error: runners[0].environment[2]: got "just text", expected NAME=value (a variable name, "=", then the value). Fix: write NAME=value.',
    ]);
  });
});

describe('consistency warnings', () => {
  test('GIVEN concurrent below the sum of limits WHEN validated THEN a warning gives the sum', () => {
    expect(lintToml('concurrent = 4\n[[runners]]\nname = "a"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-A"\nexecutor = "shell"\nlimit = 5\n[[runners]]\nname = "b"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-B"\nexecutor = "shell"\nlimit = 3')).toEqual([
      'warning: concurrent: is 4, lower than the sum of the runners\' limit values (8); concurrent caps the jobs of all runners together, so the limits can never all be used. Fix: raise concurrent to 8, or lower the limits.',
    ]);
  });

  test('GIVEN concurrent unset and limits WHEN validated THEN the warning says the runner uses 1', () => {
    expect(lintToml('\n[[runners]]\nname = "a"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-A"\nexecutor = "shell"\nlimit = 2\n[[runners]]\nname = "b"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-B"\nexecutor = "shell"\nlimit = 0')).toEqual([
      'warning: concurrent: got nothing (the runner uses 1), lower than the sum of the runners\' limit values (2); concurrent caps the jobs of all runners together, so the limits can never all be used. Fix: raise concurrent to 2, or lower the limits.',
    ]);
  });

  test('GIVEN concurrent below the number of runners WHEN validated THEN a warning says some runners wait', () => {
    expect(lintToml('concurrent = 1\n[[runners]]\nname = "a"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-A"\nexecutor = "shell"\n\n[[runners]]\nname = "b"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-B"\nexecutor = "shell"\n')).toEqual([
      'warning: concurrent: is 1, lower than the number of [[runners]] entries (2), so some runners wait while others run jobs. Fix: raise concurrent to at least 2.',
    ]);
  });

  test('GIVEN concurrent = 1 with an autoscaling runner without limit WHEN validated THEN a warning says autoscaling has nothing to scale', () => {
    expect(lint({ concurrent: '1' })).toEqual([
      'warning: concurrent: is 1, so runners[0] (executor "docker+machine", limit = 0: no limit of its own) never runs more than one job at a time and autoscaling has nothing to scale. Fix: set concurrent to the number of jobs you want to run at once.',
    ]);
  });

  test('GIVEN concurrent equal to the sum of limits WHEN validated THEN nothing is reported', () => {
    expect(lintToml('concurrent = 8\n[[runners]]\nname = "a"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-A"\nexecutor = "shell"\nlimit = 5\n[[runners]]\nname = "b"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-B"\nexecutor = "shell"\nlimit = 3')).toEqual([]);
  });

  test('GIVEN IdleCount above concurrent with no limit WHEN validated THEN a warning says the extra idle machines never get a job', () => {
    expect(lint({ concurrent: '2', machine: 'IdleCount = 5' })).toEqual([
      'warning: runners[0].machine.IdleCount: is 5, above concurrent = 2; at most 2 jobs run at once, so 3 idle machines never get a job. Fix: lower IdleCount to 2, or raise concurrent.',
    ]);
  });

  test('GIVEN check_interval = 0 and shutdown_timeout = 0 WHEN validated THEN warnings say 0 means the default', () => {
    expect(lint({ global: 'check_interval = 0\nshutdown_timeout = 0' })).toEqual([
      'warning: check_interval: is 0, which the runner replaces with its default of 3 seconds. Fix: write 3 (or the value you mean), or remove check_interval.',
      'warning: shutdown_timeout: is 0, which the runner replaces with its default of 30 seconds. Fix: write 30 (or the value you mean), or remove shutdown_timeout.',
    ]);
  });

  test('GIVEN two runners with the same name WHEN validated THEN the second gets a warning', () => {
    expect(lintToml('concurrent = 2\n[[runners]]\nname = "a"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-A"\nexecutor = "shell"\n\n[[runners]]\nname = "a"\nurl = "https://gitlab.example.com"\ntoken = "glrt-PLACEHOLDER-B"\nexecutor = "shell"\n')).toEqual([
      'warning: runners[1].name: is "a", the same as runners[0].name; commands that select a runner by name (unregister, reset-token) act on the first match only, and logs and metrics mix them up. Fix: give each runner its own name.',
    ]);
  });

  test('GIVEN delete_instances_on_shutdown with retries longer than shutdown_timeout WHEN validated THEN a warning gives the time needed', () => {
    expect(lint({ global: 'shutdown_timeout = 20', executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\ndelete_instances_on_shutdown = true\nshutdown_deletion_interval = "15s"\nshutdown_deletion_retries = 4' })).toEqual([
      'warning: runners[0].autoscaler.delete_instances_on_shutdown: is true, but deleting instances may take shutdown_deletion_interval x shutdown_deletion_retries = 60 seconds while shutdown_timeout allows 20; the process exits first and leaves instances behind. Fix: raise shutdown_timeout to 60 or more.',
    ]);
  });

  test('GIVEN delete_instances_on_shutdown with the defaults WHEN validated THEN nothing is reported (3 x 10s fits 30s)', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, after: '[runners.autoscaler]\nplugin = "aws"\ndelete_instances_on_shutdown = true' })).toEqual([]);
  });

  test('GIVEN custom kill timeouts longer than shutdown_timeout WHEN validated THEN a warning gives the total', () => {
    expect(lint({ executor: '"custom"', machine: null, docker: null, after: '[runners.custom]\nrun_exec = "/bin/run"\ngraceful_kill_timeout = 60' })).toEqual([
      'warning: runners[0].custom: graceful_kill_timeout (60 s) + force_kill_timeout (600 s) = 660 seconds, more than shutdown_timeout (30 s); on a forceful shutdown the runner exits before the job\'s processes are stopped. Fix: raise shutdown_timeout to 660, or lower the kill timeouts.',
    ]);
  });

  test('GIVEN custom kill timeouts within shutdown_timeout WHEN validated THEN nothing is reported', () => {
    expect(lint({ executor: '"custom"', machine: null, docker: null, global: 'shutdown_timeout = 120', after: '[runners.custom]\nrun_exec = "/bin/run"\ngraceful_kill_timeout = 60\nforce_kill_timeout = 60' })).toEqual([]);
  });

  test('GIVEN an ssh port that is not a number WHEN validated THEN it is an error', () => {
    expect([lint({ executor: '"ssh"', machine: null, docker: null, after: '[runners.ssh]\nhost = "h"\nport = "ssh"' }), lint({ executor: '"ssh"', machine: null, docker: null, after: '[runners.ssh]\nhost = "h"\nport = " 2222"' }), lint({ executor: '"ssh"', machine: null, docker: null, after: '[runners.ssh]\nhost = "h"\nport = "22"' })].flat()).toEqual([
      'error: runners[0].ssh.port: got "ssh", expected a port number from 1 to 65535 (as a string). Fix: write a port number such as "22".',
      'error: runners[0].ssh.port: got " 2222", expected a port number from 1 to 65535 (as a string). Fix: write "2222".',
    ]);
  });

  test('GIVEN a docker-autoscaler limit above max_instances x capacity_per_instance WHEN validated THEN a warning gives the slots', () => {
    expect(lint({ executor: '"docker-autoscaler"', machine: null, runner: 'limit = 20', after: '[runners.autoscaler]\nplugin = "aws"\nmax_instances = 5\ncapacity_per_instance = 2' })).toEqual([
      'warning: runners[0].limit: is 20, but max_instances = 5 x capacity_per_instance = 2 gives only 10 job slots, so jobs beyond 10 wait. Fix: lower limit to 10, or raise max_instances.',
      'warning: concurrent: is 4, lower than the sum of the runners\' limit values (20); concurrent caps the jobs of all runners together, so the limits can never all be used. Fix: raise concurrent to 20, or lower the limits.',
    ]);
  });
});
