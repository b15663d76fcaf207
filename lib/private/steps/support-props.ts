/**
 * Synth-time checks of the registry mirror and cache server props (on a manager or a
 * SupportServices host). Pure. Every error found is reported (one GitlabRunnerError with all the
 * diagnostics); values that are Terraform references skip the checks of literal values.
 *
 * What the values become: the mirror URL `engine-registry-mirror=http://ADDRESS:PORT` in
 * MachineOptions, the cache `ServerAddress = "ADDRESS:PORT"` and `BucketName`, and the host
 * scripts' `docker run -p ADDRESS:PORT:...` (when bindToAddress) and image. The host scripts
 * replace an empty value by their default (`${VAR:=default}`), so an empty string must never
 * reach them.
 */
import { Diagnostic, GitlabRunnerError, showValue } from '../../errors';
import type { CacheServerProps, RegistryMirrorProps } from '../../support-services';
import { REDACTED_TEXT } from '../config/secrets';
import { isUnresolved } from '../framework';

export const MIRROR_DEFAULT_PORT = 6000;
export const CACHE_DEFAULT_PORT = 9005;

/** Checks the mirror and cache props (types, addresses, ports, bucket, images, URL, secrets passed as references). */
export function checkSupportProps(mirror: RegistryMirrorProps | undefined, cache: CacheServerProps | undefined, prefix = ''): void {
  const errors: Diagnostic[] = [];
  const error = (path: string, message: string): void => {
    errors.push({ level: 'error', path: `${prefix}${path}`, message });
  };
  const m = mirror === undefined ? undefined : asObject(mirror, 'registryMirror', 'an object { address, port?, remoteUrl?, image?, bindToAddress? }', 'registryMirror: { address: "10.0.0.5" }', error);
  const c = cache === undefined ? undefined : asObject(cache, 'cacheServer', 'an object { address, accessKey, secretKey, port?, bucket?, image?, bindToAddress? }', 'cacheServer: { address: "10.0.0.5", accessKey: accessKeyVar.stringValue, secretKey: secretKeyVar.stringValue }', error);

  if (m) {
    const bind = checkBindToAddress(m.bindToAddress, 'registryMirror.bindToAddress', error);
    checkAddress(m.address, bind, 'registryMirror', error);
    checkPort(m.port, 'registryMirror.port', MIRROR_DEFAULT_PORT, error);
    checkRemoteUrl(m.remoteUrl, 'registryMirror.remoteUrl', error);
    checkImage(m.image, 'registryMirror.image', 'registry:2', 'registry:2.8.3', error);
  }
  if (c) {
    const bind = checkBindToAddress(c.bindToAddress, 'cacheServer.bindToAddress', error);
    checkAddress(c.address, bind, 'cacheServer', error);
    checkPort(c.port, 'cacheServer.port', CACHE_DEFAULT_PORT, error);
    checkBucket(c.bucket, 'cacheServer.bucket', error);
    checkImage(c.image, 'cacheServer.image', 'minio/minio:latest', 'minio/minio:RELEASE.2024-10-13T13-34-11Z', error);
    checkSecret(c.accessKey, 'cacheServer.accessKey', 'MinIO root user', 'cache_access_key', error);
    checkSecret(c.secretKey, 'cacheServer.secretKey', 'MinIO root password', 'cache_secret_key', error);
  }
  if (m && c) checkPortClash(m.port, c.port, error);

  if (errors.length > 0) throw new GitlabRunnerError(errors);
}

type Report = (path: string, message: string) => void;

/**
 * A received value for a message: showValue, but NaN and Infinity as themselves (JSON has
 * neither and would say null) and objects JSON cannot render (constructs, cycles) by their class.
 */
export function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return String(value);
  try {
    return showValue(value);
  } catch {
    const name = (value as object)?.constructor?.name;
    return name && name !== 'Object' ? `an object of class ${name}` : 'an object';
  }
}

function asObject<T>(value: T, path: string, expected: string, fix: string, error: Report): T | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  const what = value === null ? 'null' : Array.isArray(value) ? `an array ${show(value)}` : show(value);
  error(path, `got ${what}, expected ${expected}. Fix: ${fix}, or leave ${path} unset for none.`);
  return undefined;
}

function checkBindToAddress(value: unknown, path: string, error: Report): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value === undefined ? true : value;
  const ref = isUnresolved(value) || (value !== null && typeof value === 'object') ? ' (a Terraform reference cannot be used: the choice is made at synth time)' : '';
  error(path, `got ${show(value)}${ref}, expected true or false. Fix: bindToAddress: false to publish the port on all interfaces, or remove it to bind to address only (the default).`);
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** True for a DNS host name: labels of letters, digits and hyphens (not first or last), 1-63 characters, 253 in all; the last label not all digits. */
function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.every((l) => LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** `bind`: the bindToAddress in effect (undefined when itself invalid). */
function checkAddress(value: unknown, bind: boolean | undefined, service: 'registryMirror' | 'cacheServer', error: Report): void {
  const path = `${service}.address`;
  const expected = 'expected the private IP or host name the autoscaled machines reach the service\'s host on (an IPv4 address or a DNS host name)';
  if (value === undefined || value === null || value === '') {
    error(path, `${value === '' ? 'got ""' : 'is required'}, ${expected}. Fix: address: "10.0.0.5".`);
    return;
  }
  if (isUnresolved(value)) return;
  if (typeof value !== 'string') {
    error(path, `got ${show(value)}, ${expected} as a string. Fix: address: "10.0.0.5".`);
    return;
  }
  const got = `got ${show(value)}`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(value);
  if (scheme) {
    const rest = scheme[2].split(/[/?#]/)[0];
    const port = /^(.*):([0-9]+)$/.exec(rest);
    error(path, `${got}, ${expected}, without a scheme (the library writes http://ADDRESS:PORT itself). Fix: address: ${show(port ? port[1] : rest)}${port ? ` and port: ${port[2]}` : ''}.`);
    return;
  }
  if (/\s/.test(value)) {
    error(path, `${got}, ${expected}, without spaces. Fix: address: ${show(value.trim() || '10.0.0.5')}.`);
    return;
  }
  const slash = value.indexOf('/');
  if (slash >= 0) {
    error(path, `${got}, ${expected}, without a path. Fix: address: ${show(value.slice(0, slash) || '10.0.0.5')}.`);
    return;
  }
  const hostPort = /^([^:]+):([0-9]*)$/.exec(value);
  if (hostPort) {
    error(path, `${got}, ${expected}, without a port. Fix: address: ${show(hostPort[1])}${hostPort[2] ? ` and port: ${Number(hostPort[2])}` : ''}.`);
    return;
  }
  if (value.includes(':') || value.startsWith('[')) {
    error(path, `${got}, ${expected}; IPv6 literals are not supported here (the mirror URL http://ADDRESS:PORT and docker run -p ADDRESS:PORT:... would need brackets). Fix: use a DNS name that resolves to it (with bindToAddress: false), or the host's private IPv4 address.`);
    return;
  }
  if (/^[0-9.]+$/.test(value) && /[0-9]/.test(value) && !IPV4.test(value)) {
    error(path, `${got}, ${expected}; this is not an IPv4 address (four numbers 0-255 without leading zeros, separated by dots). Fix: address: "10.0.0.5".`);
    return;
  }
  if (IPV4.test(value)) {
    if (value === '0.0.0.0') {
      error(path, `${got}, ${expected}; 0.0.0.0 is no address the machines can reach. Fix: address: the host's private IP such as "10.0.0.5", and bindToAddress: false to publish the port on all interfaces.`);
    } else if (value.startsWith('127.')) {
      error(path, `${got}, ${expected}; a loopback address is the machine's own, not the service's host. Fix: address: the host's private IP such as "10.0.0.5".`);
    }
    return;
  }
  if (!isHostName(value)) {
    error(path, `${got}, ${expected}; a host name is dot-separated labels of letters, digits and hyphens, not starting or ending with a hyphen, 1-63 characters each, at most 253 in all. Fix: address: "10.0.0.5".`);
    return;
  }
  if (value.toLowerCase() === 'localhost' || value.toLowerCase().endsWith('.localhost')) {
    error(path, `${got}, ${expected}; localhost is the machine's own, not the service's host. Fix: address: the host's private IP such as "10.0.0.5".`);
    return;
  }
  if (bind === true) {
    error(path, `${got} while ${service}.bindToAddress is true (the default): the published port is bound to address (docker run -p ADDRESS:PORT:...), and docker accepts only an IP address there. Fix: address: the host's private IPv4 address such as "10.0.0.5", or keep the name and set bindToAddress: false (the port is then published on all interfaces; keep it closed to the outside with a firewall).`);
  }
}

function checkPort(value: unknown, path: string, fallback: number, error: Report): void {
  if (value === undefined || isUnresolved(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    error(path, `got ${show(value)}, expected a whole number from 1 to 65535. Fix: port: ${fallback}, or remove port for that default.`);
  }
}

function checkPortClash(mirrorPort: unknown, cachePort: unknown, error: Report): void {
  if (isUnresolved(mirrorPort) || isUnresolved(cachePort)) return;
  const port = mirrorPort ?? MIRROR_DEFAULT_PORT;
  if (typeof port !== 'number' || port !== (cachePort ?? CACHE_DEFAULT_PORT)) return;
  // reported on the port that was set (the cache's when both were)
  const onCache = cachePort !== undefined;
  const [path, other, otherSet] = onCache ? ['cacheServer.port', 'registryMirror.port', mirrorPort !== undefined] : ['registryMirror.port', 'cacheServer.port', false];
  const free = onCache ? (port === CACHE_DEFAULT_PORT ? 9006 : CACHE_DEFAULT_PORT) : (port === MIRROR_DEFAULT_PORT ? 6001 : MIRROR_DEFAULT_PORT);
  error(path, `got ${port}, the same as ${other} (${port}${otherSet ? '' : ', its default'}); the registry mirror and the cache server publish their ports on the same host, and only one can listen on a port. Fix: ${path.split('.')[0]}.port: ${free}, or another free port.`);
}

/** What install-cache-server.sh checks, and MinIO's strict bucket name rules on top. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function checkBucket(value: unknown, path: string, error: Report): void {
  if (value === undefined || isUnresolved(value)) return;
  const rules = 'expected an S3 bucket name: 3-63 characters of lowercase letters, digits, "." and "-", starting and ending with a letter or digit, without "..", ".-" or "-.", and not an IP address';
  const fixFor = (v: unknown): string => {
    const guess = typeof v === 'string' ? v.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/[.-]{2,}/g, '-').replace(/^[.-]+|[.-]+$/g, '') : '';
    return BUCKET.test(guess) && !IPV4.test(guess) ? `bucket: ${show(guess)}` : 'bucket: "runner"';
  };
  if (value === '') {
    error(path, `got "", ${rules}; an empty name is not replaced by the default. Fix: remove bucket to use "runner", or bucket: "runner-cache".`);
    return;
  }
  if (typeof value !== 'string' || !BUCKET.test(value) || /\.\.|\.-|-\./.test(value) || IPV4.test(value)) {
    error(path, `got ${show(value)}, ${rules}. Fix: ${fixFor(value)}.`);
  }
}

/**
 * A Docker image reference: [HOST[:PORT]/]PATH[:TAG][@DIGEST], PATH of lowercase components
 * (letters, digits, separated by ".", "_", "__" or "-"), as docker's reference grammar.
 */
function isImageReference(value: string): boolean {
  let rest = value;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!/^[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/.test(rest.slice(at + 1))) return false;
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(rest.slice(colon + 1))) return false;
    rest = rest.slice(0, colon);
  }
  if (rest.length === 0 || rest.length > 255) return false;
  const parts = rest.split('/');
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) {
    const host = parts.shift()!;
    const hp = /^(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]+)?$/;
    if (!hp.test(host)) return false;
  }
  return parts.every((p) => /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/.test(p));
}

function checkImage(value: unknown, path: string, fallback: string, example: string, error: Report): void {
  if (value === undefined || isUnresolved(value)) return;
  const expected = `expected an image reference such as ${show(example)} ([REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], repository in lowercase, no spaces)`;
  if (value === '') {
    error(path, `got "", ${expected}; an empty image is not replaced by the default. Fix: remove image to use ${show(fallback)}, or image: ${show(example)}.`);
  } else if (typeof value !== 'string' || !isImageReference(value)) {
    const guess = typeof value === 'string' ? [value.trim(), value.trim().toLowerCase()].find(isImageReference) : undefined;
    error(path, `got ${show(value)}, ${expected}. Fix: image: ${show(guess ?? example)}.`);
  }
}

function checkRemoteUrl(value: unknown, path: string, error: Report): void {
  if (value === undefined || isUnresolved(value)) return;
  const expected = 'expected the http:// or https:// URL of the registry to mirror';
  if (typeof value !== 'string' || value === '') {
    error(path, `got ${show(value)}, ${expected}${value === '' ? '; an empty URL is not replaced by the default' : ''}. Fix: remoteUrl: "https://registry-1.docker.io", or remove remoteUrl for that default.`);
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) {
    url.username = '';
    url.password = '';
    const shown = value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, `$1${REDACTED_TEXT}@`);
    error(path, `got ${show(shown)}: credentials in the URL would be written into cdktf.out and the Terraform state, and this construct passes no registry credentials to the mirror. Fix: remoteUrl: ${show(url.href.replace(/\/$/, ''))}, a registry that allows anonymous pulls.`);
    return;
  }
  if (/\s/.test(value) || !url || !/^https?:$/.test(url.protocol) || !url.hostname || !/^https?:\/\//i.test(value)) {
    const bare = !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) && !/\s/.test(value);
    error(path, `got ${show(value)}, ${expected}. Fix: remoteUrl: ${show(bare ? `https://${value}` : 'https://registry-1.docker.io')}.`);
  }
}

function checkSecret(value: unknown, path: string, what: string, variable: string, error: Report): void {
  const fix = `Fix: ${path.split('.').pop()}: new TerraformVariable(this, "${variable}", { type: "string", sensitive: true }).stringValue.`;
  const expected = `expected the ${what} as a sensitive Terraform variable or reference`;
  if (value === undefined || value === null || value === '') {
    error(path, `${value === '' ? 'got ""' : 'is required'}, ${expected}. ${fix}`);
  } else if (isUnresolved(value)) {
    return;
  } else if (typeof value === 'string') {
    error(path, `got a literal secret, ${expected}: a literal would be written into cdktf.out and state. ${fix}`);
  } else {
    const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    error(path, `got ${kind} (not shown: it may be a secret), ${expected}. ${fix}`);
  }
}
