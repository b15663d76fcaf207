import { TerraformVariable, Token } from 'cdktf';
import { GitlabRunnerError, GitlabRunnerManager, SshKey, SupportServices } from '../../lib';
import { checkSupportProps, show } from '../../lib/private/steps/support-props';
import { managerProps, newStack } from './helpers';

/** The message checkSupportProps throws (fails the test when it does not throw). */
function messageOf(mirror: unknown, cache?: unknown): string {
  try {
    checkSupportProps(mirror as any, cache as any);
  } catch (e) {
    expect(e).toBeInstanceOf(GitlabRunnerError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify([mirror, cache])}`);
}

const ADDRESS = 'expected the private IP or host name the autoscaled machines reach the service\'s host on (an IPv4 address or a DNS host name)';
const keys = { accessKey: Token.asString({ ref: 'access' }), secretKey: Token.asString({ ref: 'secret' }) };
const cacheAt = (over: object = {}) => ({ address: '10.0.0.6', ...keys, ...over });

describe('registryMirror.address / cacheServer.address', () => {
  test.each<[string, unknown, string]>([
    ['a port', '10.0.0.6:5000', `registryMirror.address: got "10.0.0.6:5000", ${ADDRESS}, without a port. Fix: address: "10.0.0.6" and port: 5000.`],
    ['a scheme', 'http://10.0.0.5', `registryMirror.address: got "http://10.0.0.5", ${ADDRESS}, without a scheme (the library writes http://ADDRESS:PORT itself). Fix: address: "10.0.0.5".`],
    ['a scheme and port', 'https://mirror.internal:6001/v2', `registryMirror.address: got "https://mirror.internal:6001/v2", ${ADDRESS}, without a scheme (the library writes http://ADDRESS:PORT itself). Fix: address: "mirror.internal" and port: 6001.`],
    ['a path', '10.0.0.5/24', `registryMirror.address: got "10.0.0.5/24", ${ADDRESS}, without a path. Fix: address: "10.0.0.5".`],
    ['IPv6', 'fd00::6', `registryMirror.address: got "fd00::6", ${ADDRESS}; IPv6 literals are not supported here (the mirror URL http://ADDRESS:PORT and docker run -p ADDRESS:PORT:... would need brackets). Fix: use a DNS name that resolves to it (with bindToAddress: false), or the host's private IPv4 address.`],
    ['bracketed IPv6', '[fd00::6]', `registryMirror.address: got "[fd00::6]", ${ADDRESS}; IPv6 literals are not supported here (the mirror URL http://ADDRESS:PORT and docker run -p ADDRESS:PORT:... would need brackets). Fix: use a DNS name that resolves to it (with bindToAddress: false), or the host's private IPv4 address.`],
    ['dots only', '...', `registryMirror.address: got "...", ${ADDRESS}; a host name is dot-separated labels of letters, digits and hyphens, not starting or ending with a hyphen, 1-63 characters each, at most 253 in all. Fix: address: "10.0.0.5".`],
    ['a hyphen', '-', `registryMirror.address: got "-", ${ADDRESS}; a host name is dot-separated labels of letters, digits and hyphens, not starting or ending with a hyphen, 1-63 characters each, at most 253 in all. Fix: address: "10.0.0.5".`],
    ['an underscore', 'my_mirror', `registryMirror.address: got "my_mirror", ${ADDRESS}; a host name is dot-separated labels of letters, digits and hyphens, not starting or ending with a hyphen, 1-63 characters each, at most 253 in all. Fix: address: "10.0.0.5".`],
    ['an octet over 255', '10.0.0.256', `registryMirror.address: got "10.0.0.256", ${ADDRESS}; this is not an IPv4 address (four numbers 0-255 without leading zeros, separated by dots). Fix: address: "10.0.0.5".`],
    ['three numbers', '10.0.5', `registryMirror.address: got "10.0.5", ${ADDRESS}; this is not an IPv4 address (four numbers 0-255 without leading zeros, separated by dots). Fix: address: "10.0.0.5".`],
    ['a space', ' 10.0.0.5', `registryMirror.address: got " 10.0.0.5", ${ADDRESS}, without spaces. Fix: address: "10.0.0.5".`],
    ['empty', '', `registryMirror.address: got "", ${ADDRESS}. Fix: address: "10.0.0.5".`],
    ['missing', undefined, `registryMirror.address: is required, ${ADDRESS}. Fix: address: "10.0.0.5".`],
    ['a number', 10, `registryMirror.address: got 10, ${ADDRESS} as a string. Fix: address: "10.0.0.5".`],
    ['0.0.0.0', '0.0.0.0', `registryMirror.address: got "0.0.0.0", ${ADDRESS}; 0.0.0.0 is no address the machines can reach. Fix: address: the host's private IP such as "10.0.0.5", and bindToAddress: false to publish the port on all interfaces.`],
    ['loopback', '127.0.0.1', `registryMirror.address: got "127.0.0.1", ${ADDRESS}; a loopback address is the machine's own, not the service's host. Fix: address: the host's private IP such as "10.0.0.5".`],
  ])('%s is rejected', (_what, address, message) => {
    expect(messageOf({ address })).toBe(message);
  });

  test('a label longer than 63 characters, or a name longer than 253, is rejected', () => {
    // long values are shortened to 120 characters (showValue)
    const hostError = (a: string) => `registryMirror.address: got ${a.length > 118 ? `"${a.slice(0, 116)}...` : `"${a}"`}, ${ADDRESS}; a host name is dot-separated labels of letters, digits and hyphens, not starting or ending with a hyphen, 1-63 characters each, at most 253 in all. Fix: address: "10.0.0.5".`;
    const long = `${'a'.repeat(64)}.internal`;
    expect(messageOf({ address: long, bindToAddress: false })).toBe(hostError(long));
    const tooLong = Array(64).fill('abc').join('.'); // 255 characters
    expect(messageOf({ address: tooLong, bindToAddress: false })).toBe(hostError(tooLong));
    const ok = Array(63).fill('abc').join('.'); // 251 characters, labels of 3
    expect(() => checkSupportProps({ address: ok, bindToAddress: false }, undefined)).not.toThrow();
  });

  test('a DNS name with bindToAddress true (the default) is an error: docker -p binds only to an IP', () => {
    expect(messageOf(undefined, cacheAt({ address: 'cache.internal' }))).toBe('cacheServer.address: got "cache.internal" while cacheServer.bindToAddress is true (the default): the published port is bound to address (docker run -p ADDRESS:PORT:...), and docker accepts only an IP address there. Fix: address: the host\'s private IPv4 address such as "10.0.0.5", or keep the name and set bindToAddress: false (the port is then published on all interfaces; keep it closed to the outside with a firewall).');
    expect(() => checkSupportProps({ address: 'mirror.internal', bindToAddress: false }, cacheAt({ address: 'Cache-1.example.com', bindToAddress: false }))).not.toThrow();
  });

  test('localhost is rejected', () => {
    expect(messageOf({ address: 'localhost', bindToAddress: false })).toBe(`registryMirror.address: got "localhost", ${ADDRESS}; localhost is the machine's own, not the service's host. Fix: address: the host's private IP such as "10.0.0.5".`);
  });

  test('the cache address gets the same checks under its own path', () => {
    expect(messageOf(undefined, cacheAt({ address: '10.0.0.6:9000' }))).toBe(`cacheServer.address: got "10.0.0.6:9000", ${ADDRESS}, without a port. Fix: address: "10.0.0.6" and port: 9000.`);
  });

  test('IPv4 addresses and references pass', () => {
    for (const address of ['10.0.0.5', '192.168.255.254', '172.16.0.1', '1.2.3.4']) {
      expect(() => checkSupportProps({ address }, cacheAt({ address }))).not.toThrow();
    }
    const s = newStack();
    const ip = new TerraformVariable(s.stack, 'ip', { type: 'string' }).stringValue;
    expect(() => checkSupportProps({ address: ip }, cacheAt({ address: ip }))).not.toThrow();
  });
});

describe('ports', () => {
  test('NaN, Infinity, strings and fractions are shown as they are', () => {
    expect(messageOf({ address: '10.0.0.5', port: NaN })).toBe('registryMirror.port: got NaN, expected a whole number from 1 to 65535. Fix: port: 6000, or remove port for that default.');
    expect(messageOf(undefined, cacheAt({ port: Infinity }))).toBe('cacheServer.port: got Infinity, expected a whole number from 1 to 65535. Fix: port: 9005, or remove port for that default.');
    expect(messageOf({ address: '10.0.0.5', port: '6000' })).toBe('registryMirror.port: got "6000", expected a whole number from 1 to 65535. Fix: port: 6000, or remove port for that default.');
    expect(messageOf({ address: '10.0.0.5', port: 65536 })).toBe('registryMirror.port: got 65536, expected a whole number from 1 to 65535. Fix: port: 6000, or remove port for that default.');
    expect(messageOf({ address: '10.0.0.5', port: 6000.5 })).toBe('registryMirror.port: got 6000.5, expected a whole number from 1 to 65535. Fix: port: 6000, or remove port for that default.');
  });

  test('the mirror and the cache on one port is an error naming both, defaults included', () => {
    expect(messageOf({ address: '10.0.0.5', port: 9005 }, cacheAt())).toBe('registryMirror.port: got 9005, the same as cacheServer.port (9005, its default); the registry mirror and the cache server publish their ports on the same host, and only one can listen on a port. Fix: registryMirror.port: 6000, or another free port.');
    expect(messageOf({ address: '10.0.0.5' }, cacheAt({ port: 6000 }))).toBe('cacheServer.port: got 6000, the same as registryMirror.port (6000, its default); the registry mirror and the cache server publish their ports on the same host, and only one can listen on a port. Fix: cacheServer.port: 9005, or another free port.');
    expect(messageOf({ address: '10.0.0.5', port: 7000 }, cacheAt({ port: 7000 }))).toBe('cacheServer.port: got 7000, the same as registryMirror.port (7000); the registry mirror and the cache server publish their ports on the same host, and only one can listen on a port. Fix: cacheServer.port: 9005, or another free port.');
    expect(messageOf({ address: '10.0.0.5', port: 9005 }, cacheAt({ port: 9005 }))).toBe('cacheServer.port: got 9005, the same as registryMirror.port (9005); the registry mirror and the cache server publish their ports on the same host, and only one can listen on a port. Fix: cacheServer.port: 9006, or another free port.');
    // alone, either port is fine
    expect(() => checkSupportProps({ address: '10.0.0.5', port: 9005 }, undefined)).not.toThrow();
    expect(() => checkSupportProps(undefined, cacheAt({ port: 6000 }))).not.toThrow();
    expect(() => checkSupportProps({ address: '10.0.0.5', port: 6001 }, cacheAt({ port: 9006 }))).not.toThrow();
  });

  test('a port from a reference skips the checks', () => {
    const s = newStack();
    const port = new TerraformVariable(s.stack, 'port', { type: 'number' }).numberValue;
    expect(() => checkSupportProps({ address: '10.0.0.5', port }, cacheAt({ port }))).not.toThrow();
  });
});

describe('cacheServer.bucket', () => {
  const RULES = 'expected an S3 bucket name: 3-63 characters of lowercase letters, digits, "." and "-", starting and ending with a letter or digit, without "..", ".-" or "-.", and not an IP address';
  test.each<[unknown, string]>([
    ['Runner_Cache', `cacheServer.bucket: got "Runner_Cache", ${RULES}. Fix: bucket: "runner-cache".`],
    ['../../etc', `cacheServer.bucket: got "../../etc", ${RULES}. Fix: bucket: "etc".`],
    ['ab', `cacheServer.bucket: got "ab", ${RULES}. Fix: bucket: "runner".`],
    ['a'.repeat(64), `cacheServer.bucket: got "${'a'.repeat(64)}", ${RULES}. Fix: bucket: "runner".`],
    ['runner..cache', `cacheServer.bucket: got "runner..cache", ${RULES}. Fix: bucket: "runner-cache".`],
    ['runner.-cache', `cacheServer.bucket: got "runner.-cache", ${RULES}. Fix: bucket: "runner-cache".`],
    ['-runner', `cacheServer.bucket: got "-runner", ${RULES}. Fix: bucket: "runner".`],
    ['192.168.1.10', `cacheServer.bucket: got "192.168.1.10", ${RULES}. Fix: bucket: "runner".`],
    [42, `cacheServer.bucket: got 42, ${RULES}. Fix: bucket: "runner".`],
    ['', `cacheServer.bucket: got "", ${RULES}; an empty name is not replaced by the default. Fix: remove bucket to use "runner", or bucket: "runner-cache".`],
  ])('%p is rejected', (bucket, message) => {
    expect(messageOf(undefined, cacheAt({ bucket }))).toBe(message);
  });

  test('names the host script accepts pass', () => {
    for (const bucket of ['runner', 'abc', 'runner-cache.2024', 'a'.repeat(63), '0runner9']) {
      expect(() => checkSupportProps(undefined, cacheAt({ bucket }))).not.toThrow();
    }
  });
});

describe('images', () => {
  const MIRROR = 'expected an image reference such as "registry:2.8.3" ([REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], repository in lowercase, no spaces)';
  const CACHE = 'expected an image reference such as "minio/minio:RELEASE.2024-10-13T13-34-11Z" ([REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], repository in lowercase, no spaces)';

  test('an empty image is an error, not the default', () => {
    expect(messageOf({ address: '10.0.0.5', image: '' })).toBe(`registryMirror.image: got "", ${MIRROR}; an empty image is not replaced by the default. Fix: remove image to use "registry:2", or image: "registry:2.8.3".`);
    expect(messageOf(undefined, cacheAt({ image: '' }))).toBe(`cacheServer.image: got "", ${CACHE}; an empty image is not replaced by the default. Fix: remove image to use "minio/minio:latest", or image: "minio/minio:RELEASE.2024-10-13T13-34-11Z".`);
  });

  test('something that is not an image reference is an error', () => {
    expect(messageOf({ address: '10.0.0.5', image: 'registry :2' })).toBe(`registryMirror.image: got "registry :2", ${MIRROR}. Fix: image: "registry:2.8.3".`);
    expect(messageOf({ address: '10.0.0.5', image: ' registry:2' })).toBe(`registryMirror.image: got " registry:2", ${MIRROR}. Fix: image: "registry:2".`);
    expect(messageOf(undefined, cacheAt({ image: 'Minio/minio' }))).toBe(`cacheServer.image: got "Minio/minio", ${CACHE}. Fix: image: "minio/minio".`);
    expect(messageOf(undefined, cacheAt({ image: 'minio/minio:' }))).toBe(`cacheServer.image: got "minio/minio:", ${CACHE}. Fix: image: "minio/minio:RELEASE.2024-10-13T13-34-11Z".`);
    expect(messageOf(undefined, cacheAt({ image: 'minio/minio@sha256:xyz' }))).toBe(`cacheServer.image: got "minio/minio@sha256:xyz", ${CACHE}. Fix: image: "minio/minio:RELEASE.2024-10-13T13-34-11Z".`);
    expect(messageOf(undefined, cacheAt({ image: ['minio/minio'] }))).toBe(`cacheServer.image: got ["minio/minio"], ${CACHE}. Fix: image: "minio/minio:RELEASE.2024-10-13T13-34-11Z".`);
  });

  test('image references pass', () => {
    for (const image of ['registry:2', 'registry', 'library/registry:2.8.3', 'registry.example.com:5000/mirror/registry:2', 'localhost/registry:2', 'ghcr.io/org/my_image__x-y:v1.0', `minio/minio:latest@sha256:${'a'.repeat(64)}`, `quay.io/minio/minio@sha256:${'0'.repeat(64)}`]) {
      expect(() => checkSupportProps({ address: '10.0.0.5', image }, cacheAt({ image }))).not.toThrow();
    }
  });
});

describe('registryMirror.remoteUrl', () => {
  test('a URL without http(s) scheme is an error', () => {
    expect(messageOf({ address: '10.0.0.5', remoteUrl: 'registry-1.docker.io' })).toBe('registryMirror.remoteUrl: got "registry-1.docker.io", expected the http:// or https:// URL of the registry to mirror. Fix: remoteUrl: "https://registry-1.docker.io".');
    expect(messageOf({ address: '10.0.0.5', remoteUrl: 'ftp://registry.example.com' })).toBe('registryMirror.remoteUrl: got "ftp://registry.example.com", expected the http:// or https:// URL of the registry to mirror. Fix: remoteUrl: "https://registry-1.docker.io".');
    expect(messageOf({ address: '10.0.0.5', remoteUrl: 'https://' })).toBe('registryMirror.remoteUrl: got "https://", expected the http:// or https:// URL of the registry to mirror. Fix: remoteUrl: "https://registry-1.docker.io".');
    expect(messageOf({ address: '10.0.0.5', remoteUrl: '' })).toBe('registryMirror.remoteUrl: got "", expected the http:// or https:// URL of the registry to mirror; an empty URL is not replaced by the default. Fix: remoteUrl: "https://registry-1.docker.io", or remove remoteUrl for that default.');
    expect(messageOf({ address: '10.0.0.5', remoteUrl: ' https://registry-1.docker.io' })).toBe('registryMirror.remoteUrl: got " https://registry-1.docker.io", expected the http:// or https:// URL of the registry to mirror. Fix: remoteUrl: "https://registry-1.docker.io".');
  });

  test('credentials in the URL are an error that does not repeat them', () => {
    const message = messageOf({ address: '10.0.0.5', remoteUrl: 'https://bob:hunter2@registry.example.com/' });
    expect(message).toBe('registryMirror.remoteUrl: got "https://<redacted>@registry.example.com/": credentials in the URL would be written into cdktf.out and the Terraform state, and this construct passes no registry credentials to the mirror. Fix: remoteUrl: "https://registry.example.com", a registry that allows anonymous pulls.');
    expect(message).not.toContain('hunter2');
    expect(messageOf({ address: '10.0.0.5', remoteUrl: 'http://token@mirror.example.com:8080/v2' }))
      .toBe('registryMirror.remoteUrl: got "http://<redacted>@mirror.example.com:8080/v2": credentials in the URL would be written into cdktf.out and the Terraform state, and this construct passes no registry credentials to the mirror. Fix: remoteUrl: "http://mirror.example.com:8080/v2", a registry that allows anonymous pulls.');
  });

  test('http(s) URLs and references pass', () => {
    const s = newStack();
    for (const remoteUrl of ['https://registry-1.docker.io', 'http://registry.internal:5000', 'https://mirror.gcr.io/', new TerraformVariable(s.stack, 'url', { type: 'string' }).stringValue]) {
      expect(() => checkSupportProps({ address: '10.0.0.5', remoteUrl }, undefined)).not.toThrow();
    }
  });
});

describe('bindToAddress', () => {
  test('must be a literal boolean', () => {
    const FIX = 'expected true or false. Fix: bindToAddress: false to publish the port on all interfaces, or remove it to bind to address only (the default).';
    expect(messageOf({ address: '10.0.0.5', bindToAddress: 'no' })).toBe(`registryMirror.bindToAddress: got "no", ${FIX}`);
    expect(messageOf(undefined, cacheAt({ bindToAddress: 0 }))).toBe(`cacheServer.bindToAddress: got 0, ${FIX}`);
    const s = newStack();
    const flag = new TerraformVariable(s.stack, 'flag', { type: 'bool' }).booleanValue;
    expect(messageOf({ address: '10.0.0.5', bindToAddress: flag })).toMatch(/^registryMirror\.bindToAddress: got .* \(a Terraform reference cannot be used: the choice is made at synth time\), expected true or false\. Fix: /);
    expect(() => checkSupportProps({ address: '10.0.0.5', bindToAddress: false }, cacheAt({ bindToAddress: true }))).not.toThrow();
  });
});

describe('cacheServer.accessKey / secretKey', () => {
  const FIX_ACCESS = 'Fix: accessKey: new TerraformVariable(this, "cache_access_key", { type: "string", sensitive: true }).stringValue.';
  const FIX_SECRET = 'Fix: secretKey: new TerraformVariable(this, "cache_secret_key", { type: "string", sensitive: true }).stringValue.';

  test('missing is "is required", with a variable named for that key', () => {
    expect(messageOf(undefined, { address: '10.0.0.6', secretKey: keys.secretKey })).toBe(`cacheServer.accessKey: is required, expected the MinIO root user as a sensitive Terraform variable or reference. ${FIX_ACCESS}`);
    expect(messageOf(undefined, { address: '10.0.0.6', accessKey: keys.accessKey, secretKey: '' })).toBe(`cacheServer.secretKey: got "", expected the MinIO root password as a sensitive Terraform variable or reference. ${FIX_SECRET}`);
  });

  test('a literal is an error that does not show it', () => {
    const message = messageOf(undefined, { address: '10.0.0.6', accessKey: 'minioadmin', secretKey: keys.secretKey });
    expect(message).toBe(`cacheServer.accessKey: got a literal secret, expected the MinIO root user as a sensitive Terraform variable or reference: a literal would be written into cdktf.out and state. ${FIX_ACCESS}`);
    expect(message).not.toContain('minioadmin');
    expect(messageOf(undefined, { address: '10.0.0.6', accessKey: keys.accessKey, secretKey: 12345678 })).toBe(`cacheServer.secretKey: got a number (not shown: it may be a secret), expected the MinIO root password as a sensitive Terraform variable or reference. ${FIX_SECRET}`);
  });
});

describe('the wrong type for registryMirror / cacheServer is reported on the prop itself', () => {
  test.each<[unknown, string]>([
    [true, 'got true'],
    ['10.0.0.5', 'got "10.0.0.5"'],
    [[], 'got an array []'],
    [null, 'got null'],
  ])('%p', (value, got) => {
    expect(messageOf(value)).toBe(`registryMirror: ${got}, expected an object { address, port?, remoteUrl?, image?, bindToAddress? }. Fix: registryMirror: { address: "10.0.0.5" }, or leave registryMirror unset for none.`);
    expect(messageOf(undefined, value)).toBe(`cacheServer: ${got}, expected an object { address, accessKey, secretKey, port?, bucket?, image?, bindToAddress? }. Fix: cacheServer: { address: "10.0.0.5", accessKey: accessKeyVar.stringValue, secretKey: secretKeyVar.stringValue }, or leave cacheServer unset for none.`);
  });
});

describe('through the constructs', () => {
  const host = { host: '10.0.0.6', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') };

  test('every problem is reported at once, on the manager and on a SupportServices', () => {
    const expected = '3 problems:\n'
      + `  - registryMirror.address: got "10.0.0.6:5000", ${ADDRESS}, without a port. Fix: address: "10.0.0.6" and port: 5000.\n`
      + '  - cacheServer.bucket: got "Runner_Cache", expected an S3 bucket name: 3-63 characters of lowercase letters, digits, "." and "-", starting and ending with a letter or digit, without "..", ".-" or "-.", and not an IP address. Fix: bucket: "runner-cache".\n'
      + '  - cacheServer.accessKey: is required, expected the MinIO root user as a sensitive Terraform variable or reference. Fix: accessKey: new TerraformVariable(this, "cache_access_key", { type: "string", sensitive: true }).stringValue.';
    const s = newStack();
    const mirror = { address: '10.0.0.6:5000' };
    const cache = { address: '10.0.0.6', bucket: 'Runner_Cache', secretKey: s.secretKey } as any;
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), registryMirror: mirror, cacheServer: cache })).toThrow(expected);
    expect(() => new SupportServices(s.stack, 'svc', { host, registryMirror: mirror, cacheServer: cache })).toThrow(expected);
  });

  test('registryMirror: true names registryMirror, not registryMirror.address', () => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), registryMirror: true as any }))
      .toThrow('registryMirror: got true, expected an object { address, port?, remoteUrl?, image?, bindToAddress? }.');
    expect(() => new SupportServices(s.stack, 'svc', { host, registryMirror: { address: '10.0.0.6' }, cacheServer: 'yes' as any }))
      .toThrow('cacheServer: got "yes", expected an object { address, accessKey, secretKey, port?, bucket?, image?, bindToAddress? }.');
  });

  test('unknown keys inside registryMirror / cacheServer are rejected with a did-you-mean (known-props)', () => {
    const s = newStack();
    expect(() => new GitlabRunnerManager(s.stack, 'ci', { ...managerProps(s.token), cacheServer: { address: '10.0.0.5', accessKey: s.accessKey, secretKey: s.secretKey, bukket: 'x' } as any }))
      .toThrow('cacheServer.bukket: is not a property of cacheServer; allowed: address, port, bucket, accessKey, secretKey, image, bindToAddress. Fix: did you mean bucket?');
  });

  test('valid props synthesize', () => {
    const s = newStack();
    expect(() => new SupportServices(s.stack, 'svc', {
      host,
      registryMirror: { address: '10.0.0.6', port: 6001, remoteUrl: 'https://mirror.gcr.io', image: 'registry:2.8.3' },
      cacheServer: { address: 'cache.internal', bindToAddress: false, bucket: 'runner-cache', image: 'minio/minio:RELEASE.2024-10-13T13-34-11Z', accessKey: s.accessKey, secretKey: s.secretKey },
    })).not.toThrow();
  });
});

describe('show', () => {
  test('values as they are', () => {
    expect(show(NaN)).toBe('NaN');
    expect(show(-Infinity)).toBe('-Infinity');
    expect(show('a')).toBe('"a"');
    expect(show({ a: 1 })).toBe('{"a":1}');
    expect(show(undefined)).toBe('nothing');
    const cycle: any = { };
    cycle.self = cycle;
    expect(show(cycle)).toBe('an object');
    class Thing { public self = this; }
    expect(show(new Thing())).toBe('an object of class Thing');
  });
});

describe('SupportServices choice props', () => {
  test('a hand-made engine or docker source is an error (it would fail on the host, not at synth)', () => {
    const s = newStack();
    const host = { host: '10.0.0.6', privateKey: SshKey.fromFile('~/.ssh/id_ed25519') };
    expect(() => new SupportServices(s.stack, 'a', { host, engine: { resourceType: 'terraform_data' } as any, registryMirror: { address: '10.0.0.6' } })).toThrow(
      'engine: got an object with resourceType "terraform_data", expected StepEngine.nullResource() or StepEngine.terraformData(). Fix: use one of those factories.',
    );
    expect(() => new SupportServices(s.stack, 'b', { host, docker: { mode: 'snap' } as any, registryMirror: { address: '10.0.0.6' } })).toThrow('docker: got an object with mode "snap", expected DockerSource.distroPackages()');
  });
});
