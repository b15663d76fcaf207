/**
 * `[runners.cache]`: the section for the chosen `Type` exists and has what it needs, sections for
 * other types are reported as ignored, S3 `ServerAddress` is `host[:port]`, credential pairs are
 * complete.
 */
import type { TomlValue } from '../schema-types';
import { childTable, Ctx, has, isTable, isUnresolved, joinPath, keySpec, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';
import { hostPortProblem } from './urls';

type CacheType = 's3' | 'gcs' | 'azure';
/** The cache types, from the schema's enum of [runners.cache] Type (each names its sub-table). */
const TYPES = (keySpec('runners.cache', 'Type')?.enum ?? []) as readonly CacheType[];
/** Keys each cache backend needs. */
const NEEDS: Readonly<Record<CacheType, readonly string[]>> = {
  s3: ['BucketName'],
  gcs: ['BucketName'],
  azure: ['ContainerName'],
};

function isEmptyTable(value: TomlValue): boolean {
  return isTable(value) && Object.keys(value).length === 0;
}

function checkCacheSection(visit: Visit, ctx: Ctx): void {
  const cache = visit.table;
  const type = strValue(cache.Type);
  if (has(cache, 'Type') && type === undefined) return; // unresolved, or a type error already reported
  // `gitlab-runner register` writes empty [runners.cache.s3], [.gcs] and [.azure] tables: only
  // sections with keys count as configured.
  const present = TYPES.filter((t) => has(cache, t) && !isEmptyTable(cache[t]));
  if (type === undefined || type === '') {
    if (present.length > 0) {
      const first = present[0];
      ctx.error(
        joinPath(visit.path, 'Type'),
        `got ${has(cache, 'Type') ? '""' : 'nothing'}, but [runners.cache.${first}] is set; without Type the runner uses no cache at all. Fix: set Type = ${JSON.stringify(first)}.`,
      );
    }
    return;
  }
  if (!(TYPES as readonly string[]).includes(type)) return; // enum error already reported
  const t = type as CacheType;
  const section = childTable(cache, t);
  if (!has(cache, t)) {
    ctx.error(
      joinPath(visit.path, t),
      `got nothing, but Type = ${JSON.stringify(t)} needs [runners.cache.${t}] with ${NEEDS[t].join(', ')}; without it the runner disables the cache. Fix: add [runners.cache.${t}].`,
    );
  } else if (section) {
    for (const key of NEEDS[t]) {
      if (!has(section, key)) {
        ctx.error(joinPath(joinPath(visit.path, t), key), `got nothing, but the ${t} cache needs ${key}. Fix: set ${key} in [runners.cache.${t}].`);
      }
    }
  }
  for (const other of present) {
    if (other === t) continue;
    ctx.warn(
      joinPath(visit.path, other),
      `is ignored because Type = ${JSON.stringify(t)}. Fix: remove [runners.cache.${other}], or set Type = ${JSON.stringify(other)}.`,
    );
  }
}

/** host[:port]; unlike a listen address, an empty host (":9000") means nothing to connect to. */
function serverAddressProblem(address: string): string | undefined {
  return hostPortProblem(address, false) ?? (/^:/.test(address.trim()) ? 'the host is missing' : undefined);
}

function checkServerAddress(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const address = strValue(value);
  if (address === undefined || address === '') return;
  const problem = serverAddressProblem(address);
  if (!problem) return;
  const scheme = /^(https?):\/\//i.exec(address.trim());
  const stripped = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  let fix = 'write host[:port], e.g. "minio.example.com:9000"';
  if (stripped !== '' && !serverAddressProblem(stripped)) {
    fix = `write ${JSON.stringify(stripped)}`;
    if (scheme) fix += scheme[1].toLowerCase() === 'http' ? ' and set Insecure = true (plain HTTP)' : ' and keep Insecure = false (HTTPS)';
  }
  ctx.error(path, `got ${show(value, path)}, expected host[:port] without scheme or path; ${problem}. Fix: ${fix}.`);
}

/** Both keys of a credential pair, or neither. */
function pair(a: string, b: string) {
  return (t: Record<string, TomlValue>, path: string, ctx: Ctx): void => {
    if (has(t, a) === has(t, b)) return;
    const [set, missing] = has(t, a) ? [a, b] : [b, a];
    ctx.error(joinPath(path, missing), `got nothing, but ${set} is set; ${a} and ${b} only work together. Fix: set ${missing}, or remove ${set}.`);
  };
}

function checkS3(visit: Visit, ctx: Ctx): void {
  const s3 = visit.table;
  pair('AccessKey', 'SecretKey')(s3, visit.path, ctx);
  const auth = strValue(s3.AuthenticationType);
  if (auth === 'access-key' && !has(s3, 'AccessKey') && !has(s3, 'SecretKey')) {
    ctx.error(
      joinPath(visit.path, 'AccessKey'),
      'got nothing, but AuthenticationType = "access-key" needs AccessKey and SecretKey. Fix: set both, or use AuthenticationType = "iam".',
    );
  }
  if (auth === 'iam' && (has(s3, 'AccessKey') || has(s3, 'SecretKey'))) {
    ctx.warn(
      joinPath(visit.path, has(s3, 'AccessKey') ? 'AccessKey' : 'SecretKey'),
      'is ignored because AuthenticationType = "iam" (credentials come from the instance role). Fix: remove the keys, or use AuthenticationType = "access-key".',
    );
  }
  const sse = strValue(s3.ServerSideEncryption);
  if ((sse === 'KMS' || sse === 'DSSE-KMS') && !has(s3, 'ServerSideEncryptionKeyID')) {
    ctx.error(
      joinPath(visit.path, 'ServerSideEncryptionKeyID'),
      `got nothing, but ServerSideEncryption = ${JSON.stringify(sse)} needs the KMS key. Fix: set ServerSideEncryptionKeyID to the KMS key ARN or id.`,
    );
  }
  if (has(s3, 'ServerSideEncryptionKeyID') && sse !== 'KMS' && sse !== 'DSSE-KMS' && !isUnresolved(s3.ServerSideEncryption)) {
    ctx.warn(
      joinPath(visit.path, 'ServerSideEncryptionKeyID'),
      `is ignored unless ServerSideEncryption is "KMS" or "DSSE-KMS" (got ${show(s3.ServerSideEncryption, joinPath(visit.path, 'ServerSideEncryption'))}). Fix: set ServerSideEncryption = "KMS", or remove the key id.`,
    );
  }
  if (has(s3, 'RoleARN') && has(s3, 'UploadRoleARN')) {
    ctx.warn(joinPath(visit.path, 'UploadRoleARN'), 'is set together with RoleARN; RoleARN replaces it. Fix: remove UploadRoleARN.');
  }
}

function checkGcs(visit: Visit, ctx: Ctx): void {
  pair('AccessID', 'PrivateKey')(visit.table, visit.path, ctx);
  if (has(visit.table, 'CredentialsFile') && (has(visit.table, 'AccessID') || has(visit.table, 'PrivateKey'))) {
    ctx.warn(joinPath(visit.path, 'CredentialsFile'), 'is set together with AccessID/PrivateKey; use one way of authenticating. Fix: remove CredentialsFile or the AccessID/PrivateKey pair.');
  }
}

function checkAzure(visit: Visit, ctx: Ctx): void {
  pair('AccountName', 'AccountKey')(visit.table, visit.path, ctx);
}

export const cacheRules: RuleSet = {
  keys: {
    'runners.cache.s3/ServerAddress': [checkServerAddress],
  },
  sections: {
    'runners.cache': [checkCacheSection],
    'runners.cache.s3': [checkS3],
    'runners.cache.gcs': [checkGcs],
    'runners.cache.azure': [checkAzure],
  },
};
