/**
 * An existing Linux host reached over SSH, where Docker, GitLab Runner and Docker Machine run
 * (the seed's "bastion server"). It creates no resources itself: the steps connect through it.
 */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { GitlabRunnerError } from './errors';
import { isUnresolved } from './private/framework';
import { SshKey } from './ssh-key';

/** A jump host between the machine running Terraform and the bastion. */
export interface JumpHostProps {
  /** Address of the jump host. */
  readonly host: string;
  /** @default 22 */
  readonly port?: number;
  /** @default the bastion's user */
  readonly user?: string;
  /** @default the bastion's key */
  readonly privateKey?: SshKey;
  /** Pinned public host key of the jump host (`ssh-ed25519 AAAA...`). @default - not pinned */
  readonly hostKey?: string;
}

export interface BastionProps {
  /** Address (IP or DNS name) of the host; may be a reference such as an instance's IP. */
  readonly host: string;
  /** SSH port. @default 22 */
  readonly port?: number;
  /**
   * Login user: `root`, or a user with password-less sudo (steps then run with `sudo -n`).
   * @default "root"
   */
  readonly user?: string;
  /** The private key: `SshKey.fromFile(path)`, `SshKey.fromSensitiveValue(ref)` or `SshKey.agent()`. */
  readonly privateKey: SshKey;
  /**
   * The host's public key (`ssh-ed25519 AAAA...`), pinned so a different host is refused.
   * @default - not pinned (Terraform then accepts any host key; pin it in production)
   */
  readonly hostKey?: string;
  /** Optional jump host. @default - direct connection */
  readonly jumpHost?: JumpHostProps;
  /** How long Terraform waits for SSH. @default "5m" */
  readonly connectTimeout?: string;
}

const HOST_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( \S.*)?$/;
const USER = /^[a-z_][a-z0-9_.-]{0,31}\$?$/;
const TIMEOUT = /^[0-9]+(ms|s|m|h)$/;

/** The SSH target of every step. */
export class Bastion extends Construct {
  public readonly host: string;
  public readonly port: number;
  public readonly user: string;
  public readonly privateKey: SshKey;
  public readonly hostKey?: string;
  public readonly jumpHost?: JumpHostProps;
  public readonly connectTimeout: string;
  /** True when steps run through `sudo -n` (the user is not root). */
  public readonly useSudo: boolean;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    validateBastionProps(props, 'bastion');
    this.host = props.host;
    this.port = props.port ?? 22;
    this.user = props.user ?? 'root';
    this.privateKey = props.privateKey;
    this.hostKey = normalizeHostKey(props.hostKey);
    this.jumpHost = props.jumpHost && { ...props.jumpHost, hostKey: normalizeHostKey(props.jumpHost.hostKey) };
    for (const [path, key] of [['bastion.hostKey', this.hostKey], ['bastion.jumpHost.hostKey', this.jumpHost?.hostKey]] as const) {
      if (typeof key === 'string' && !isUnresolved(key) && /PLACEHOLDER/i.test(key)) {
        Annotations.of(this).addWarning(`${path}: got "${key.slice(0, 30)}...", which looks like a placeholder; Terraform will refuse to connect (host key mismatch). Fix: pin the host's real key: ssh-keyscan -t ed25519 HOST, or /etc/ssh/ssh_host_ed25519_key.pub on the host.`);
      }
    }
    this.connectTimeout = props.connectTimeout ?? '5m';
    this.useSudo = this.user !== 'root';
  }
}

/** Throws a GitlabRunnerError naming the first bad bastion prop. */
export function validateBastionProps(props: BastionProps, path: string): void {
  const literal = (v: unknown): boolean => v !== undefined && !isUnresolved(v);
  if (!props || typeof props !== 'object') throw GitlabRunnerError.at(path, 'expected bastion props { host, privateKey, ... }. Fix: pass { host: "203.0.113.10", privateKey: SshKey.fromFile("~/.ssh/id_ed25519") }.');
  if (props.host === undefined || (literal(props.host) && (typeof props.host !== 'string' || !/^[A-Za-z0-9.:\-\[\]]+$/.test(props.host)))) {
    throw GitlabRunnerError.at(`${path}.host`, `got ${JSON.stringify(props.host)}, expected an IP address or DNS name without scheme, port or spaces. Fix: host: "203.0.113.10" and port: 2222.`);
  }
  // one colon is host:port (IPv6 addresses have at least two)
  const hostPort = literal(props.host) ? /^([^:[\]]+):(\d*)$/.exec(props.host) : null;
  if (hostPort) {
    throw GitlabRunnerError.at(`${path}.host`, `got ${JSON.stringify(props.host)}, expected an IP address or DNS name without a port. Fix: host: "${hostPort[1]}"${hostPort[2] ? ` and port: ${Number(hostPort[2])}` : ''}.`);
  }
  checkPort(props.port, `${path}.port`);
  if (literal(props.user) && (typeof props.user !== 'string' || !USER.test(props.user))) {
    throw GitlabRunnerError.at(`${path}.user`, `got ${JSON.stringify(props.user)}, expected a Linux user name such as "root" or "admin" (a sudo user). Fix: user: "root".`);
  }
  if (!props.privateKey || typeof props.privateKey !== 'object' || !('kind' in props.privateKey)) {
    throw GitlabRunnerError.at(`${path}.privateKey`, 'is required, expected SshKey.fromFile(path), SshKey.fromSensitiveValue(ref) or SshKey.agent(). Fix: privateKey: SshKey.fromFile("~/.ssh/id_ed25519").');
  }
  checkHostKey(props.hostKey, `${path}.hostKey`);
  if (literal(props.connectTimeout) && !TIMEOUT.test(String(props.connectTimeout))) {
    throw GitlabRunnerError.at(`${path}.connectTimeout`, `got ${JSON.stringify(props.connectTimeout)}, expected a duration such as "30s" or "5m". Fix: connectTimeout: "5m".`);
  }
  if (props.jumpHost !== undefined) {
    const j = props.jumpHost;
    if (!j || typeof j !== 'object' || j.host === undefined) {
      throw GitlabRunnerError.at(`${path}.jumpHost`, `got ${JSON.stringify(j)}, expected { host, port?, user?, privateKey?, hostKey? }. Fix: jumpHost: { host: "198.51.100.7" }.`);
    }
    if (literal(j.host) && (typeof j.host !== 'string' || !/^[A-Za-z0-9.:\-\[\]]+$/.test(j.host))) {
      throw GitlabRunnerError.at(`${path}.jumpHost.host`, `got ${JSON.stringify(j.host)}, expected an IP address or DNS name. Fix: jumpHost: { host: "198.51.100.7" }.`);
    }
    checkPort(j.port, `${path}.jumpHost.port`);
    checkHostKey(j.hostKey, `${path}.jumpHost.hostKey`);
  }
}

function checkPort(port: unknown, path: string): void {
  if (port === undefined || isUnresolved(port)) return;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(port)}, expected a whole number from 1 to 65535. Fix: port: 22.`);
  }
}

/**
 * A pinned host key as Terraform wants it (`ssh-ed25519 AAAA...`): a line as `ssh-keyscan` prints
 * it or `known_hosts` holds it (`HOST ssh-ed25519 AAAA...`) loses its host field, and surrounding
 * whitespace (a trailing newline from a file) goes.
 */
export function normalizeHostKey<T extends string | undefined>(key: T): T {
  if (typeof key !== 'string' || isUnresolved(key)) return key;
  const trimmed = key.trim();
  const fields = trimmed.split(/\s+/);
  if (fields.length >= 3 && !HOST_KEY.test(trimmed) && HOST_KEY.test(fields.slice(1).join(' '))) return fields.slice(1).join(' ') as T;
  return trimmed as T;
}

function checkHostKey(key: unknown, path: string): void {
  if (key === undefined || isUnresolved(key)) return;
  if (typeof key !== 'string' || !HOST_KEY.test(normalizeHostKey(key))) {
    throw GitlabRunnerError.at(path, `got ${JSON.stringify(key)}, expected the host's public key line such as "ssh-ed25519 AAAAC3Nza...". Fix: copy it from /etc/ssh/ssh_host_ed25519_key.pub on the host, or take the output of ssh-keyscan -t ed25519 HOST (its leading host field is dropped).`);
  }
}
