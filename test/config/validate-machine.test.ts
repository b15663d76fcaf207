import { lint } from './validate-fixture';

describe('docker+machine and executor requirements (F07)', () => {
  test('GIVEN IdleCount = 0, IdleTime = 0, MaxBuilds = 10 (F07) WHEN validated THEN a warning says MaxBuilds has no effect', () => {
    expect(lint({ machine: 'IdleCount = 0\nIdleTime = 0\nMaxBuilds = 10' })).toEqual([
      'warning: runners[0].machine.MaxBuilds: is 10, but with IdleCount = 0 and IdleTime = 0 every machine is removed as soon as it is idle, so it never runs a second job and MaxBuilds has no effect. Fix: set IdleTime (seconds a used machine waits for the next job) to reuse machines, or remove MaxBuilds.',
    ]);
  });

  test('GIVEN IdleCount = 0, IdleTime = 1800 (F07) WHEN validated THEN nothing is reported: IdleTime still keeps used machines for the next job', () => {
    expect(lint({ machine: 'IdleCount = 0\nIdleTime = 1800\nMaxBuilds = 10' })).toEqual([]);
  });

  test('GIVEN MaxBuilds = 1 with IdleTime = 0 WHEN validated THEN nothing is reported (one job per machine is what MaxBuilds = 1 asks for)', () => {
    expect(lint({ machine: 'IdleCount = 0\nIdleTime = 0\nMaxBuilds = 1' })).toEqual([]);
  });

  test('GIVEN IdleScaleFactor > 0 with IdleCount = 0 WHEN validated THEN a warning says no idle machine is created', () => {
    expect(lint({ machine: 'IdleCount = 0\nIdleScaleFactor = 1.5' })).toEqual([
      'warning: runners[0].machine.IdleScaleFactor: is 1.5, but IdleCount is 0 and IdleCount caps the idle machines the factor asks for, so no idle machine is ever created. Fix: set IdleCount to the largest number of idle machines you want, or remove IdleScaleFactor.',
    ]);
  });

  test('GIVEN IdleCountMin above IdleCount with a scale factor WHEN validated THEN a warning names the cap', () => {
    expect(lint({ machine: 'IdleCount = 2\nIdleScaleFactor = 0.5\nIdleCountMin = 5' })).toEqual([
      'warning: runners[0].machine.IdleCountMin: is 5, above IdleCount = 2; IdleCount caps the idle machines, so the minimum is never reached. Fix: set IdleCountMin to 2 or less.',
    ]);
  });

  test('GIVEN IdleCountMin without IdleScaleFactor WHEN validated THEN a warning says it does not apply', () => {
    expect(lint({ machine: 'IdleCount = 4\nIdleCountMin = 2' })).toEqual([
      'warning: runners[0].machine.IdleCountMin: is 2, but it only applies when IdleScaleFactor > 0. Fix: set IdleScaleFactor, or remove IdleCountMin.',
    ]);
    // 0 (written by gitlab-runner register) and 1 (the default) change nothing: no warning.
    expect(lint({ machine: 'IdleCount = 2\nIdleCountMin = 0' })).toEqual([]);
    expect(lint({ machine: 'IdleCount = 2\nIdleCountMin = 1' })).toEqual([]);
  });

  test('GIVEN IdleCount above the runner limit WHEN validated THEN a warning says limit caps machines', () => {
    expect(lint({ runner: 'limit = 3', machine: 'IdleCount = 5' })).toEqual([
      'warning: runners[0].machine.IdleCount: is 5, above the runner\'s limit = 3; limit caps all machines, so at most 3 can be idle. Fix: lower IdleCount to 3 or raise limit.',
    ]);
  });

  test('GIVEN an autoscaling entry with IdleScaleFactor and IdleCount 0 WHEN validated THEN the entry gets the same warning', () => {
    expect(lint({ machine: 'IdleCount = 2', after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "UTC"\nIdleCount = 0\nIdleScaleFactor = 1.0' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].IdleScaleFactor: is 1, but IdleCount is 0 and IdleCount caps the idle machines the factor asks for, so no idle machine is ever created. Fix: set IdleCount to the largest number of idle machines you want, or remove IdleScaleFactor.',
    ]);
  });

  test('GIVEN an autoscaling entry with IdleCount above limit WHEN validated THEN it is reported on the entry', () => {
    expect(lint({ runner: 'limit = 2', after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "UTC"\nIdleCount = 4' })).toEqual([
      'warning: runners[0].machine.autoscaling[0].IdleCount: is 4, above the runner\'s limit = 2; limit caps all machines, so at most 2 can be idle. Fix: lower IdleCount to 2 or raise limit.',
    ]);
  });

  test('GIVEN MachineName without %s, with two, or with another verb WHEN validated THEN each is an error with a fixed name', () => {
    expect([lint({ machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "runner"' }), lint({ machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "auto-%s-%s"' }), lint({ machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "auto-%d"' })].flat()).toEqual([
      'error: runners[0].machine.MachineName: got "runner", expected a name containing %s exactly once (replaced by a unique id); it has none, so every machine would get the same name. Fix: write "runner-%s".',
      'error: runners[0].machine.MachineName: got "auto-%s-%s", expected a name containing %s exactly once (replaced by a unique id); it has 2 and the runner fills only the first. Fix: write "auto-%s".',
      'error: runners[0].machine.MachineName: got "auto-%d", expected a name containing %s exactly once (replaced by a unique id); it contains "%d", which the runner does not fill. Fix: write "auto-%s".',
    ]);
  });

  test('GIVEN MachineName with characters docker-machine rejects WHEN validated THEN the fix replaces them', () => {
    expect(lint({ machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "ci_runner %s"' })).toEqual([
      'error: runners[0].machine.MachineName: got "ci_runner %s", but docker-machine names may only contain letters, digits, dots and dashes (and start with a letter or digit). Fix: write "ci-runner-%s".',
    ]);
  });

  test('GIVEN MachineName with %% WHEN validated THEN the literal % it produces is rejected', () => {
    expect(lint({ machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "auto-%s-%%"' })).toEqual([
      'error: runners[0].machine.MachineName: got "auto-%s-%%", but docker-machine names may only contain letters, digits, dots and dashes (and start with a letter or digit). Fix: write "auto-%s".',
    ]);
  });

  test('GIVEN MachineOptions with dashes, spaces or empty entries WHEN validated THEN each entry gets a fix', () => {
    expect(lint({ machine: 'MachineOptions = ["--amazonec2-region=eu-central-1", "-amazonec2-use-private-address", "amazonec2-tags = a,b", "", "amazonec2-instance-type=m5.large", "engine-registry-mirror=http://10.0.0.2:6000"]' })).toEqual([
      'error: runners[0].machine.MachineOptions[0]: got "--amazonec2-region=eu-central-1", expected key=value or flag (without leading dashes); it starts with a dash, but the runner adds "--" itself. Fix: write "amazonec2-region=eu-central-1".',
      'error: runners[0].machine.MachineOptions[1]: got "-amazonec2-use-private-address", expected key=value or flag (without leading dashes); it starts with a dash, but the runner adds "--" itself. Fix: write "amazonec2-use-private-address".',
      'error: runners[0].machine.MachineOptions[2]: got "amazonec2-tags = a,b", expected key=value or flag (without leading dashes); the option name contains whitespace. Fix: write "amazonec2-tags=a,b".',
      'error: runners[0].machine.MachineOptions[3]: got "", expected key=value or flag (without leading dashes); it is empty. Fix: write it as key=value, e.g. "amazonec2-region=eu-central-1".',
    ]);
  });

  test('GIVEN a MachineOptions entry with a line break WHEN validated THEN an error (the bootstrap would pass two options)', () => {
    expect(lint({ machine: 'MachineOptions = ["amazonec2-region=eu-central-1\\namazonec2-zone=a"]' })).toEqual([
      'error: runners[0].machine.MachineOptions[0]: got "amazonec2-region=eu-central-1\\namazonec2-zone=a", expected key=value or flag (without leading dashes); it contains a line break or another control character. Fix: write each option as an entry of its own: "amazonec2-region=eu-central-1", "amazonec2-zone=a".',
    ]);
  });

  test('GIVEN MachineOptionsWithName entries without %s WHEN validated THEN each is an error', () => {
    expect(lint({ machine: 'MachineOptionsWithName = ["amazonec2-tags=name,%s", "amazonec2-tags=name"]' })).toEqual([
      'error: runners[0].machine.MachineOptionsWithName[1]: got "amazonec2-tags=name", expected key=value containing %s; it has no %s, which the runner replaces with the machine name. Fix: add %s where the machine name goes.',
    ]);
  });

  test('GIVEN a MachineDriver with spaces WHEN validated THEN the fix trims it', () => {
    expect(lint({ machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2 "\nMachineName = "auto-%s"' })).toEqual([
      'error: runners[0].machine.MachineDriver: got "amazonec2 ", expected a docker-machine driver name (letters, digits, dashes). Fix: write "amazonec2".',
    ]);
  });

  test('GIVEN docker+machine without MachineDriver and MachineName WHEN validated THEN both are required', () => {
    expect(lint({ machine: null, after: '[runners.machine]\nIdleCount = 1' })).toEqual([
      'error: runners[0].machine.MachineDriver: got nothing, but executor "docker+machine" needs MachineDriver (the docker-machine driver). Fix: set MachineDriver, e.g. "amazonec2".',
      'error: runners[0].machine.MachineName: got nothing, but executor "docker+machine" needs MachineName containing %s (replaced by a unique id). Fix: set MachineName, e.g. "auto-scale-%s".',
    ]);
  });

  test('GIVEN docker+machine without [runners.machine] WHEN validated THEN the section is required', () => {
    expect(lint({ machine: null })).toEqual([
      'error: runners[0].machine: got nothing, but executor "docker+machine" needs [runners.machine] with MachineDriver and MachineName. Fix: add [runners.machine].',
    ]);
  });

  test('GIVEN docker executors without [runners.docker] or image WHEN validated THEN image is required', () => {
    expect([lint({ docker: null }), lint({ docker: null, after: '[runners.docker]\nprivileged = true' }), lint({ docker: null, executor: '"docker"', machine: null, after: '[runners.docker]\nimage = ""' })].flat()).toEqual([
      'error: runners[0].docker: got nothing, but executor "docker+machine" needs [runners.docker] with image (the default job image). Fix: add [runners.docker] with image, e.g. "alpine:3.20".',
      'error: runners[0].docker.image: got nothing, but executor "docker+machine" needs image (the default job image). Fix: set image, e.g. "alpine:3.20".',
      'error: runners[0].docker.image: got "", but executor "docker" needs a default job image. Fix: set image, e.g. "alpine:3.20".',
    ]);
  });

  test('GIVEN docker-autoscaler or instance without [runners.autoscaler] WHEN validated THEN the section is required', () => {
    expect([lint({ executor: '"docker-autoscaler"', machine: null }), lint({ executor: '"instance"', machine: null, docker: null })].flat()).toEqual([
      'error: runners[0].autoscaler: got nothing, but executor "docker-autoscaler" needs [runners.autoscaler] with plugin (the fleeting plugin). Fix: add [runners.autoscaler].',
      'error: runners[0].autoscaler: got nothing, but executor "instance" needs [runners.autoscaler] with plugin (the fleeting plugin). Fix: add [runners.autoscaler].',
    ]);
  });

  test('GIVEN custom without [runners.custom], or [runners.custom] without run_exec WHEN validated THEN both are reported', () => {
    expect([lint({ executor: '"custom"', machine: null, docker: null }), lint({ executor: '"custom"', machine: null, docker: null, after: '[runners.custom]\nprepare_exec = "/bin/prepare"' })].flat()).toEqual([
      'error: runners[0].custom: got nothing, but executor "custom" needs [runners.custom] with run_exec. Fix: add [runners.custom].',
      'error: runners[0].custom.run_exec: got nothing, but [runners.custom] needs run_exec (the executable that runs each job stage). Fix: set run_exec.',
    ]);
  });

  test('GIVEN ssh without host WHEN validated THEN host is required', () => {
    expect(lint({ executor: '"ssh"', machine: null, docker: null })).toEqual([
      'error: runners[0].ssh.host: got nothing, but executor "ssh" needs [runners.ssh] host. Fix: set [runners.ssh] host.',
    ]);
  });

  test('GIVEN sections the executor never reads WHEN validated THEN each is a warning', () => {
    expect(lint({ executor: '"docker"', after: '[runners.autoscaler]\nplugin = "aws"\n[runners.kubernetes]\nnamespace = "ci"' })).toEqual([
      'warning: runners[0].machine: is ignored because executor is "docker"; [runners.machine] is read only by "docker+machine". Fix: remove [runners.machine], or set executor to "docker+machine".',
      'warning: runners[0].autoscaler: is ignored because executor is "docker"; [runners.autoscaler] is read only by "docker-autoscaler", "instance". Fix: remove [runners.autoscaler], or set executor to one of "docker-autoscaler", "instance".',
      'warning: runners[0].kubernetes: is ignored because executor is "docker"; [runners.kubernetes] is read only by "kubernetes". Fix: remove [runners.kubernetes], or set executor to "kubernetes".',
    ]);
  });

  test('GIVEN [runners.ssh] with the virtualbox executor WHEN validated THEN it is not reported (virtualbox reads it)', () => {
    expect(lint({ executor: '"virtualbox"', machine: null, docker: null, after: '[runners.virtualbox]\nbase_name = "vm"\n[runners.ssh]\nuser = "ci"' })).toEqual([]);
  });

  test('GIVEN a docker services entry without name WHEN validated THEN name is required', () => {
    expect(lint({ after: '[[runners.docker.services]]\nalias = "db"' })).toEqual([
      'error: runners[0].docker.services[0].name: got nothing, but [[runners.docker.services]] needs name (the service image, e.g. "postgres:16"). Fix: set name.',
    ]);
  });

  test('GIVEN a long MachineName WHEN validated THEN a warning gives the resulting length and the maximum', () => {
    expect([lint({ machine: null, after: '[runners.machine]\nMachineDriver = "google"\nMachineName = "gitlab-docker-machine-autoscale-%s"' }), lint({ machine: null, after: '[runners.machine]\nMachineDriver = "google"\nMachineName = "gitlab-docker-machine-auto-%s"' })].flat()).toEqual([
      'warning: runners[0].machine.MachineName: makes machine names of about 68 characters (the runner adds "runner-<token prefix>-" and a 19-character id); host names longer than 63 characters are rejected by some drivers (e.g. google) and by DNS. Fix: shorten MachineName to 29 characters or less.',
    ]);
  });

  test('GIVEN required keys set to "" WHEN validated THEN they count as missing', () => {
    expect([lint({ after: '[[runners.docker.services]]\nname = ""' }), lint({ executor: '"custom"', machine: null, docker: null, after: '[runners.custom]\nrun_exec = ""' })].flat()).toEqual([
      'error: runners[0].docker.services[0].name: got "", but [[runners.docker.services]] needs name (the service image, e.g. "postgres:16"). Fix: set name.',
      'error: runners[0].custom.run_exec: got "", but [runners.custom] needs run_exec (the executable that runs each job stage). Fix: set run_exec.',
    ]);
  });

  test('GIVEN credentials in MachineOptions (F11) WHEN validated THEN each is a warning that does not echo the value', () => {
    expect(lint({ machine: 'MachineOptions = ["amazonec2-access-key=AKIAPLACEHOLDER", "amazonec2-secret-key=PLACEHOLDER", "amazonec2-region=eu-central-1", "digitalocean-access-token=PLACEHOLDER", "amazonec2-keypair-name=ci"]' })).toEqual([
      'warning: runners[0].machine.MachineOptions[0]: is "amazonec2-access-key=<redacted>", a credential on docker-machine\'s command line: the runner passes MachineOptions as arguments, so any user of the bastion can read it in the process list. Fix: give the bastion a cloud identity instead (e.g. an IAM instance profile), or set the driver\'s environment variable (e.g. AWS_SECRET_ACCESS_KEY) for the runner service.',
      'warning: runners[0].machine.MachineOptions[1]: is "amazonec2-secret-key=<redacted>", a credential on docker-machine\'s command line: the runner passes MachineOptions as arguments, so any user of the bastion can read it in the process list. Fix: give the bastion a cloud identity instead (e.g. an IAM instance profile), or set the driver\'s environment variable (e.g. AWS_SECRET_ACCESS_KEY) for the runner service.',
      'warning: runners[0].machine.MachineOptions[3]: is "digitalocean-access-token=<redacted>", a credential on docker-machine\'s command line: the runner passes MachineOptions as arguments, so any user of the bastion can read it in the process list. Fix: give the bastion a cloud identity instead (e.g. an IAM instance profile), or set the driver\'s environment variable (e.g. AWS_SECRET_ACCESS_KEY) for the runner service.',
    ]);
  });
});
