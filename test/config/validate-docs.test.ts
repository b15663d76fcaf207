/**
 * docs/validation.md holds a table of every validation rule with the exact message it gives.
 * The table is generated from the examples below and checked here, so the docs cannot drift
 * from the code. After changing a rule or a message, regenerate on purpose:
 *
 *   UPDATE_VALIDATION_DOCS=1 npx jest test/config/validate-docs.test.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { type ConfigParts, lint } from './validate-fixture';

interface Example {
  /** Rule file under lib/private/config/validate/. */
  readonly file: string;
  readonly rule: string;
  /** What the docs show as the input (TOML, `;` between lines). */
  readonly shown: string;
  readonly parts: ConfigParts;
}

const AUTOSCALER: ConfigParts = { executor: '"docker-autoscaler"', machine: null };
const s3 = (body: string): ConfigParts => ({ after: `[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\n${body}` });

export const EXAMPLES: readonly Example[] = [
  // types.ts
  { file: 'types.ts', rule: 'Integer given as a string (F09)', shown: '[runners.machine] IdleCount = "30"', parts: { machine: 'IdleCount = "30"' } },
  { file: 'types.ts', rule: 'Whole number of seconds (F07/F09)', shown: '[runners.machine] IdleTime = 1800.5', parts: { machine: 'IdleTime = 1800.5' } },
  { file: 'types.ts', rule: 'Integer range', shown: 'concurrent = 0', parts: { concurrent: '0' } },
  { file: 'types.ts', rule: 'Integer range with a sentinel', shown: '[runners.docker] services_limit = -2', parts: { docker: 'services_limit = -2' } },
  { file: 'types.ts', rule: 'Port range', shown: '[runners.autoscaler.connector_config] protocol_port = 70000', parts: { ...AUTOSCALER, after: '[runners.autoscaler]\nplugin = "aws"\n[runners.autoscaler.connector_config]\nprotocol_port = 70000' } },
  { file: 'types.ts', rule: 'Float: finite and in range', shown: '[runners.machine] IdleCount = 2; IdleScaleFactor = nan', parts: { machine: 'IdleCount = 2\nIdleScaleFactor = nan' } },
  { file: 'types.ts', rule: 'Boolean', shown: '[runners.docker] privileged = "true"', parts: { docker: 'privileged = "true"' } },
  { file: 'types.ts', rule: 'String', shown: '[runners.docker] runtime = 5', parts: { docker: 'runtime = 5' } },
  { file: 'types.ts', rule: 'Duration: a bare number is nanoseconds', shown: '[[runners]] unhealthy_interval = 1800', parts: { runner: 'unhealthy_interval = 1800' } },
  { file: 'types.ts', rule: 'Duration: Go duration string', shown: '[[runners]] prepare_timeout = "30 minutes"', parts: { runner: 'prepare_timeout = "30 minutes"' } },
  { file: 'types.ts', rule: 'Datetime', shown: '[[runners]] token_expires_at = "soon"', parts: { runner: 'token_expires_at = "soon"' } },
  { file: 'types.ts', rule: 'String array given one string', shown: '[runners.docker] volumes = "/cache"', parts: { docker: 'volumes = "/cache"' } },
  { file: 'types.ts', rule: 'Map value type', shown: '[runners.docker] tmpfs = { "/tmp" = 5 }', parts: { docker: 'tmpfs = { "/tmp" = 5 }' } },
  { file: 'types.ts', rule: 'Array of tables given one table (F08)', shown: '[runners.machine] autoscaling = { Periods = [...] }', parts: { machine: 'autoscaling = { Periods = ["* * 8-18 * * mon-fri *"] }' } },
  { file: 'types.ts', rule: 'Single table given an array', shown: '[[runners.cache]] Type = "s3"', parts: { after: '[[runners.cache]]\nType = "s3"' } },
  { file: 'types.ts', rule: 'Integer a float key cannot hold exactly', shown: '[runners.machine] IdleScaleFactor = 9007199254740993', parts: { machine: 'IdleCount = 1\nIdleScaleFactor = 9007199254740993' } },
  // enums.ts
  { file: 'enums.ts', rule: 'Enumerated values (executor, log_level, log_format, shell, pull_policy, cache Type, AuthenticationType, helper_image_flavor, protocol, ...)', shown: '[[runners]] executor = "Docker+Machine"', parts: { executor: '"Docker+Machine"' } },
  { file: 'enums.ts', rule: 'Enumerated list elements', shown: '[runners.docker] pull_policy = ["always", "if_not_present"]', parts: { docker: 'pull_policy = ["always", "if_not_present"]' } },
  // unknown-keys.ts
  { file: 'unknown-keys.ts', rule: 'Removed key with replacement (F08)', shown: '[runners.machine] OffPeakPeriods = [...]', parts: { machine: 'OffPeakPeriods = ["* * 9-17 * * mon-fri *"]' } },
  { file: 'unknown-keys.ts', rule: 'Removed key (renamed)', shown: '[[runners]] pre_clone_script = "echo"', parts: { runner: 'pre_clone_script = "echo"' } },
  { file: 'unknown-keys.ts', rule: 'Removed key (moved)', shown: '[runners.cache] ServerAddress = "s3.amazonaws.com"', parts: { after: '[runners.cache]\nType = "s3"\nServerAddress = "s3.amazonaws.com"\n[runners.cache.s3]\nBucketName = "b"' } },
  { file: 'unknown-keys.ts', rule: 'Deprecated key', shown: '[runners.cache.s3] UploadRoleARN = "arn:..."', parts: s3('UploadRoleARN = "arn:aws:iam::123456789012:role/placeholder"') },
  { file: 'unknown-keys.ts', rule: 'Case variant of a key', shown: '[runners.machine] idlecount = 1', parts: { machine: 'idlecount = 1' } },
  { file: 'unknown-keys.ts', rule: 'Unknown key close to a known one', shown: '[runners.machine] IdelCount = 1', parts: { machine: 'IdelCount = 1' } },
  { file: 'unknown-keys.ts', rule: 'Key of another section', shown: '[[runners]] IdleCount = 1', parts: { runner: 'IdleCount = 1' } },
  { file: 'unknown-keys.ts', rule: 'Unknown key', shown: '[[runners]] flavour = 1', parts: { runner: 'flavour = 1' } },
  // tokens.ts
  { file: 'tokens.ts', rule: 'Registration-only setting in config.toml (F03)', shown: '[[runners]] tag_list = ["docker"] (with a glrt- token)', parts: { runner: 'tag_list = ["docker"]' } },
  { file: 'tokens.ts', rule: 'registration_token key', shown: '[[runners]] registration_token = "GR1348941..."', parts: { runner: 'registration_token = "GR1348941PLACEHOLDER"' } },
  { file: 'tokens.ts', rule: 'Whitespace in a literal token (F03)', shown: '[[runners]] token = "glrt-...\\n"', parts: { token: '"glrt-PLACEHOLDER0000000000000\\n"' } },
  { file: 'tokens.ts', rule: 'Registration token as token', shown: '[[runners]] token = "GR1348941..."', parts: { token: '"GR1348941PLACEHOLDER"' } },
  { file: 'tokens.ts', rule: 'Empty token', shown: '[[runners]] token = ""', parts: { token: '""' } },
  { file: 'tokens.ts', rule: 'Token prefix only', shown: '[[runners]] token = "glrt-t2_"', parts: { token: '"glrt-t2_"' } },
  { file: 'tokens.ts', rule: 'Whitespace in an access key', shown: '[runners.cache.s3] AccessKey = "... "', parts: s3('AccessKey = "PLACEHOLDER "\nSecretKey = "PLACEHOLDER"') },
  { file: 'tokens.ts', rule: 'Whitespace around a password', shown: '[runners.ssh] password = "...\\n"', parts: { executor: '"ssh"', machine: null, docker: null, after: '[runners.ssh]\nhost = "build.example.com"\npassword = "PLACEHOLDER\\n"' } },
  // urls.ts
  { file: 'urls.ts', rule: 'GitLab URL shape (url, clone_url)', shown: '[[runners]] url = "gitlab.example.com"', parts: { url: '"gitlab.example.com"' } },
  { file: 'urls.ts', rule: 'GitLab URL with /api/v4', shown: '[[runners]] url = "https://gitlab.example.com/api/v4"', parts: { url: '"https://gitlab.example.com/api/v4"' } },
  { file: 'urls.ts', rule: 'GitLab URL with credentials (shown redacted)', shown: '[[runners]] url = "https://ci-bot:...@gitlab.example.com"', parts: { url: '"https://ci-bot:PLACEHOLDER@gitlab.example.com"' } },
  { file: 'urls.ts', rule: 'GitLab URL with whitespace', shown: '[[runners]] url = "https://gitlab.example.com "', parts: { url: '"https://gitlab.example.com "' } },
  { file: 'urls.ts', rule: 'host:port addresses (listen_address, session_server)', shown: '[session_server] listen_address = "0.0.0.0"', parts: { global: '[session_server]\nlisten_address = "0.0.0.0"' } },
  { file: 'urls.ts', rule: 'Session server on a wildcard address without advertise_address', shown: '[session_server] listen_address = "0.0.0.0:8093"', parts: { global: '[session_server]\nlisten_address = "0.0.0.0:8093"' } },
  { file: 'urls.ts', rule: 'SSH port', shown: '[runners.ssh] port = "ssh"', parts: { executor: '"ssh"', machine: null, docker: null, after: '[runners.ssh]\nhost = "h"\nport = "ssh"' } },
  // index.ts (required keys)
  { file: 'index.ts', rule: 'Required keys of a section', shown: '[[runners]] without url', parts: { url: null } },
  // executors.ts
  { file: 'executors.ts', rule: 'Docker executors need [runners.docker] image', shown: 'executor = "docker+machine" without [runners.docker]', parts: { docker: null } },
  { file: 'executors.ts', rule: 'docker+machine needs [runners.machine]', shown: 'executor = "docker+machine" without [runners.machine]', parts: { machine: null } },
  { file: 'executors.ts', rule: 'docker-autoscaler / instance need [runners.autoscaler]', shown: 'executor = "docker-autoscaler" without [runners.autoscaler]', parts: { ...AUTOSCALER } },
  { file: 'executors.ts', rule: 'custom needs [runners.custom]; ssh needs host', shown: 'executor = "custom" without [runners.custom]', parts: { executor: '"custom"', machine: null, docker: null } },
  { file: 'executors.ts', rule: 'Section the executor never reads', shown: 'executor = "docker" with [runners.machine]', parts: { executor: '"docker"' } },
  // machine.ts
  { file: 'machine.ts', rule: 'MachineDriver and MachineName required for docker+machine', shown: '[runners.machine] without MachineName', parts: { machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"' } },
  { file: 'machine.ts', rule: 'MachineName contains %s exactly once', shown: '[runners.machine] MachineName = "auto-%s-%s"', parts: { machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "auto-%s-%s"' } },
  { file: 'machine.ts', rule: 'Machine name length', shown: '[runners.machine] MachineName = "gitlab-docker-machine-autoscale-%s"', parts: { machine: null, after: '[runners.machine]\nMachineDriver = "google"\nMachineName = "gitlab-docker-machine-autoscale-%s"' } },
  { file: 'machine.ts', rule: 'MachineName characters', shown: '[runners.machine] MachineName = "ci_runner %s"', parts: { machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2"\nMachineName = "ci_runner %s"' } },
  { file: 'machine.ts', rule: 'MachineOptions entry shape', shown: '[runners.machine] MachineOptions = ["--amazonec2-region=eu-central-1"]', parts: { machine: 'MachineOptions = ["--amazonec2-region=eu-central-1"]' } },
  { file: 'machine.ts', rule: 'MachineOptions entry with a line break', shown: '[runners.machine] MachineOptions = ["amazonec2-zone=a\\namazonec2-region=eu-central-1"]', parts: { machine: 'MachineOptions = ["amazonec2-zone=a\\namazonec2-region=eu-central-1"]' } },
  { file: 'machine.ts', rule: 'MachineOptionsWithName entries contain %s', shown: '[runners.machine] MachineOptionsWithName = ["amazonec2-tags=name"]', parts: { machine: 'MachineOptionsWithName = ["amazonec2-tags=name"]' } },
  { file: 'machine.ts', rule: 'MachineDriver shape', shown: '[runners.machine] MachineDriver = "amazonec2 "', parts: { machine: null, after: '[runners.machine]\nMachineDriver = "amazonec2 "\nMachineName = "auto-%s"' } },
  { file: 'machine.ts', rule: 'MaxBuilds meaningless with IdleCount = 0 and IdleTime = 0 (F07)', shown: '[runners.machine] IdleCount = 0; IdleTime = 0; MaxBuilds = 10', parts: { machine: 'IdleCount = 0\nIdleTime = 0\nMaxBuilds = 10' } },
  { file: 'machine.ts', rule: 'IdleScaleFactor with IdleCount = 0', shown: '[runners.machine] IdleCount = 0; IdleScaleFactor = 1.5', parts: { machine: 'IdleCount = 0\nIdleScaleFactor = 1.5' } },
  { file: 'machine.ts', rule: 'IdleCountMin above IdleCount', shown: '[runners.machine] IdleCount = 2; IdleScaleFactor = 0.5; IdleCountMin = 5', parts: { machine: 'IdleCount = 2\nIdleScaleFactor = 0.5\nIdleCountMin = 5' } },
  { file: 'machine.ts', rule: 'IdleCountMin without IdleScaleFactor', shown: '[runners.machine] IdleCount = 4; IdleCountMin = 2', parts: { machine: 'IdleCount = 4\nIdleCountMin = 2' } },
  { file: 'machine.ts', rule: 'IdleCount above limit', shown: 'limit = 3; [runners.machine] IdleCount = 5', parts: { runner: 'limit = 3', machine: 'IdleCount = 5' } },
  { file: 'machine.ts', rule: 'Autoscaling entry without Periods', shown: '[[runners.machine.autoscaling]] IdleCount = 1', parts: { after: '[[runners.machine.autoscaling]]\nIdleCount = 1\nTimezone = "UTC"' } },
  // credential-entries.ts
  { file: 'credential-entries.ts', rule: 'Credentials in MachineOptions (F11)', shown: '[runners.machine] MachineOptions = ["amazonec2-secret-key=..."]', parts: { machine: 'MachineOptions = ["amazonec2-secret-key=PLACEHOLDER"]' } },
  { file: 'credential-entries.ts', rule: 'Literal credential in environment', shown: '[[runners]] environment = ["AWS_SECRET_ACCESS_KEY=..."]', parts: { runner: 'environment = ["AWS_SECRET_ACCESS_KEY=PLACEHOLDER"]' } },
  // cron.ts
  { file: 'cron.ts', rule: '5-field Periods (F06)', shown: 'Periods = ["* 8-18 * * mon-fri"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* 8-18 * * mon-fri"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: '6-field Periods (F06)', shown: 'Periods = ["* * 8-18 * * mon-fri"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Other field counts', shown: 'Periods = ["* * *"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * *"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Cron macros', shown: 'Periods = ["@daily"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["@daily"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Field ranges', shown: 'Periods = ["* * 8-25 * * mon-fri *"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-25 * * mon-fri *"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Backwards ranges', shown: 'Periods = ["* * 18-8 * * mon-fri *"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 18-8 * * mon-fri *"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Seconds field other than *', shown: 'Periods = ["0 * 8-18 * * mon-fri *"]', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["0 * 8-18 * * mon-fri *"]\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Empty Periods', shown: 'Periods = []', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = []\nTimezone = "UTC"' } },
  { file: 'cron.ts', rule: 'Policy periods are 5-field unix cron', shown: '[[runners.autoscaler.policy]] periods = ["* * 8-18 * * mon-fri *"]', parts: { ...AUTOSCALER, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["* * 8-18 * * mon-fri *"]' } },
  { file: 'cron.ts', rule: 'Policy field values (no L, W, #; day-of-week 0-6)', shown: '[[runners.autoscaler.policy]] periods = ["* * * * 7"]', parts: { ...AUTOSCALER, after: '[runners.autoscaler]\nplugin = "aws"\n[[runners.autoscaler.policy]]\nperiods = ["* * * * 7"]' } },
  // timezone.ts
  { file: 'timezone.ts', rule: 'IANA time zone with suggestion (F06)', shown: 'Timezone = "Europe/Berln"', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "Europe/Berln"' } },
  { file: 'timezone.ts', rule: 'Local time zone', shown: 'Timezone = "Local"', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = "Local"' } },
  { file: 'timezone.ts', rule: 'Empty time zone', shown: 'Timezone = ""', parts: { after: '[[runners.machine.autoscaling]]\nPeriods = ["* * 8-18 * * mon-fri *"]\nTimezone = ""' } },
  // cache.ts
  { file: 'cache.ts', rule: 'S3 ServerAddress without a host', shown: '[runners.cache.s3] ServerAddress = ":9000"', parts: s3('ServerAddress = ":9000"') },
  { file: 'cache.ts', rule: 'Cache Type needs its section', shown: '[runners.cache] Type = "s3" (no [runners.cache.s3])', parts: { after: '[runners.cache]\nType = "s3"' } },
  { file: 'cache.ts', rule: 'Backend section needs its keys', shown: '[runners.cache.s3] without BucketName', parts: { after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nServerAddress = "s3.amazonaws.com"' } },
  { file: 'cache.ts', rule: 'Backend section without Type', shown: '[runners.cache.s3] without Type', parts: { after: '[runners.cache]\nShared = true\n[runners.cache.s3]\nBucketName = "b"' } },
  { file: 'cache.ts', rule: 'Section of another cache type', shown: 'Type = "s3" with [runners.cache.gcs]', parts: { after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\n[runners.cache.gcs]\nBucketName = "g"' } },
  { file: 'cache.ts', rule: 'S3 ServerAddress is host[:port]', shown: 'ServerAddress = "http://10.0.0.2:9005"', parts: s3('ServerAddress = "http://10.0.0.2:9005"') },
  { file: 'cache.ts', rule: 'Credential pairs', shown: '[runners.cache.s3] AccessKey without SecretKey', parts: s3('AccessKey = "PLACEHOLDER"') },
  { file: 'cache.ts', rule: 'access-key authentication without keys', shown: 'AuthenticationType = "access-key"', parts: s3('AuthenticationType = "access-key"') },
  { file: 'cache.ts', rule: 'Keys ignored with iam', shown: 'AuthenticationType = "iam" with AccessKey', parts: s3('AuthenticationType = "iam"\nAccessKey = "PLACEHOLDER"\nSecretKey = "PLACEHOLDER"') },
  { file: 'cache.ts', rule: 'KMS needs a key id', shown: 'ServerSideEncryption = "KMS"', parts: s3('ServerSideEncryption = "KMS"') },
  { file: 'cache.ts', rule: 'Key id without KMS', shown: 'ServerSideEncryption = "S3"; ServerSideEncryptionKeyID = "key"', parts: s3('ServerSideEncryption = "S3"\nServerSideEncryptionKeyID = "key"') },
  { file: 'cache.ts', rule: 'RoleARN with UploadRoleARN', shown: 'RoleARN = "..."; UploadRoleARN = "..."', parts: s3('RoleARN = "arn:aws:iam::123456789012:role/a"\nUploadRoleARN = "arn:aws:iam::123456789012:role/a"') },
  { file: 'cache.ts', rule: 'GCS CredentialsFile with AccessID/PrivateKey', shown: '[runners.cache.gcs] CredentialsFile + AccessID + PrivateKey', parts: { after: '[runners.cache]\nType = "gcs"\n[runners.cache.gcs]\nBucketName = "b"\nCredentialsFile = "/etc/gcs.json"\nAccessID = "ci@example.iam.gserviceaccount.com"\nPrivateKey = "PLACEHOLDER"' } },
  // autoscaler.ts
  { file: 'autoscaler.ts', rule: 'plugin required', shown: '[runners.autoscaler] without plugin', parts: { ...AUTOSCALER, after: '[runners.autoscaler]\ncapacity_per_instance = 1' } },
  { file: 'autoscaler.ts', rule: 'plugin shape', shown: 'plugin = " aws:latest"', parts: { ...AUTOSCALER, after: '[runners.autoscaler]\nplugin = " aws:latest"' } },
  { file: 'autoscaler.ts', rule: 'idle_count above the instance capacity', shown: 'max_instances = 2; capacity_per_instance = 2; idle_count = 5', parts: { ...AUTOSCALER, after: '[runners.autoscaler]\nplugin = "aws"\nmax_instances = 2\ncapacity_per_instance = 2\n[[runners.autoscaler.policy]]\nidle_count = 5' } },
  { file: 'autoscaler.ts', rule: 'limit above the instance capacity', shown: 'limit = 20; max_instances = 5; capacity_per_instance = 2', parts: { ...AUTOSCALER, concurrent: '20', runner: 'limit = 20', after: '[runners.autoscaler]\nplugin = "aws"\nmax_instances = 5\ncapacity_per_instance = 2' } },
  // docker.ts
  { file: 'docker.ts', rule: 'Memory sizes', shown: '[runners.docker] memory = "2 gigs"', parts: { docker: 'memory = "2 gigs"' } },
  { file: 'docker.ts', rule: 'CPU counts', shown: '[runners.docker] cpus = "two"', parts: { docker: 'cpus = "two"' } },
  { file: 'docker.ts', rule: 'CPU sets', shown: '[runners.docker] cpuset_mems = "0;1"', parts: { docker: 'cpuset_mems = "0;1"' } },
  { file: 'docker.ts', rule: 'Docker host address', shown: '[runners.docker] host = "10.0.0.5:2376"', parts: { docker: 'host = "10.0.0.5:2376"' } },
  { file: 'docker.ts', rule: 'Image without whitespace', shown: '[runners.docker] image = "alpine:3.20 "', parts: { docker: null, after: '[runners.docker]\nimage = "alpine:3.20 "' } },
  { file: 'docker.ts', rule: 'pull_policy within allowed_pull_policies', shown: 'pull_policy = ["never"]; allowed_pull_policies = ["always"]', parts: { docker: 'pull_policy = ["never"]\nallowed_pull_policies = ["always"]' } },
  // labels.ts
  { file: 'labels.ts', rule: 'Label names and values', shown: '[labels] x = "bad value"', parts: { global: '[labels]\nx = "bad value"' } },
  { file: 'labels.ts', rule: 'At most 32 labels', shown: '20 global + 15 runner labels', parts: { global: '[labels]\n' + Array.from({ length: 20 }, (_, i) => `global${i} = "v"`).join('\n'), after: '[runners.labels]\n' + Array.from({ length: 15 }, (_, i) => `runner${i} = "v"`).join('\n') } },
  { file: 'labels.ts', rule: 'Feature flag names', shown: 'feature_flags = { use_fastzip = true }', parts: { runner: 'feature_flags = { use_fastzip = true }' } },
  { file: 'labels.ts', rule: 'environment entries NAME=value', shown: 'environment = ["DOCKER_DRIVER: overlay2"]', parts: { runner: 'environment = ["DOCKER_DRIVER: overlay2"]' } },
  { file: 'labels.ts', rule: 'output_limit is in kilobytes (F09)', shown: 'output_limit = 52428800', parts: { runner: 'output_limit = 52428800' } },
  // consistency.ts
  { file: 'consistency.ts', rule: 'concurrent below the sum of limits', shown: 'concurrent = 4; limit = 5', parts: { runner: 'limit = 5' } },
  { file: 'consistency.ts', rule: 'concurrent = 1 with an autoscaling runner', shown: 'concurrent = 1, docker+machine, no limit', parts: { concurrent: '1' } },
  { file: 'consistency.ts', rule: 'IdleCount above concurrent', shown: 'concurrent = 2; IdleCount = 5', parts: { concurrent: '2', machine: 'IdleCount = 5' } },
  { file: 'consistency.ts', rule: '0 means the default', shown: 'check_interval = 0', parts: { global: 'check_interval = 0' } },
  { file: 'consistency.ts', rule: 'Custom executor kill timeouts longer than shutdown_timeout', shown: 'executor = "custom"; graceful_kill_timeout = 60 (force_kill_timeout default 600)', parts: { executor: '"custom"', machine: null, docker: null, after: '[runners.custom]\nrun_exec = "/bin/run"\ngraceful_kill_timeout = 60' } },
  { file: 'consistency.ts', rule: 'Instance deletion longer than shutdown_timeout', shown: 'shutdown_timeout = 20; delete_instances_on_shutdown = true; 4 x "15s"', parts: { ...AUTOSCALER, global: 'shutdown_timeout = 20', after: '[runners.autoscaler]\nplugin = "aws"\ndelete_instances_on_shutdown = true\nshutdown_deletion_interval = "15s"\nshutdown_deletion_retries = 4' } },
];

const BEGIN = '<!-- BEGIN GENERATED RULES (test/config/validate-docs.test.ts) -->';
const END = '<!-- END GENERATED RULES -->';
const DOC = path.join(__dirname, '..', '..', 'docs', 'validation.md');

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return '`' + cell(text).replace(/`/g, "'") + '`';
}

/** The generated table, one row per example, messages exactly as validateConfig gives them. */
export function renderRulesTable(): string {
  const rows = EXAMPLES.map((e) => {
    const out = lint(e.parts);
    if (out.length === 0) throw new Error(`example "${e.rule}" gives no diagnostic`);
    return `| ${cell(e.rule)} | ${e.file} | ${code(e.shown)} | ${out.map(code).join('<br>')} |`;
  });
  return [BEGIN, '', '| Rule | File | Example input | Output (`level: path: message`) |', '| --- | --- | --- | --- |', ...rows, '', END].join('\n');
}

describe('docs/validation.md', () => {
  test('GIVEN the rule examples WHEN rendered THEN the table in docs/validation.md is identical', () => {
    const table = renderRulesTable();
    const doc = fs.readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const current = doc.slice(start, end + END.length);
    if (process.env.UPDATE_VALIDATION_DOCS === '1' && current !== table) {
      fs.writeFileSync(DOC, doc.slice(0, start) + table + doc.slice(end + END.length));
      return;
    }
    expect(current).toBe(table);
  });

  test('GIVEN every rule file WHEN listed in the docs THEN each has at least one example', () => {
    const dir = path.join(__dirname, '..', '..', 'lib', 'private', 'config', 'validate');
    const ruleFiles = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !['context.ts', 'suggest.ts', 'rule-types.ts', 'ranges.ts'].includes(f));
    const documented = new Set(EXAMPLES.map((e) => e.file));
    expect(ruleFiles.filter((f) => !documented.has(f))).toEqual([]);
  });
});
