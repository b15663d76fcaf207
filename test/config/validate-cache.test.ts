import { lint } from './validate-fixture';

describe('[runners.cache]', () => {
  test('GIVEN Type = "s3" without [runners.cache.s3] WHEN validated THEN the section is required', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\nShared = true' })).toEqual([
      'error: runners[0].cache.s3: got nothing, but Type = "s3" needs [runners.cache.s3] with BucketName; without it the runner disables the cache. Fix: add [runners.cache.s3].',
    ]);
  });

  test('GIVEN [runners.cache.s3] without BucketName WHEN validated THEN BucketName is required', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nServerAddress = "s3.amazonaws.com"' })).toEqual([
      'error: runners[0].cache.s3.BucketName: got nothing, but the s3 cache needs BucketName. Fix: set BucketName in [runners.cache.s3].',
    ]);
  });

  test('GIVEN gcs and azure sections without their required keys WHEN validated THEN each is reported', () => {
    expect([lint({ after: '[runners.cache]\nType = "gcs"\n[runners.cache.gcs]\nCredentialsFile = "/etc/gcs.json"' }), lint({ after: '[runners.cache]\nType = "azure"\n[runners.cache.azure]\nAccountName = "a"\nAccountKey = "PLACEHOLDER"' })].flat()).toEqual([
      'error: runners[0].cache.gcs.BucketName: got nothing, but the gcs cache needs BucketName. Fix: set BucketName in [runners.cache.gcs].',
      'error: runners[0].cache.azure.ContainerName: got nothing, but the azure cache needs ContainerName. Fix: set ContainerName in [runners.cache.azure].',
    ]);
  });

  test('GIVEN a gcs section with Type = "s3" WHEN validated THEN a warning says it is ignored', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\n[runners.cache.gcs]\nBucketName = "g"' })).toEqual([
      'warning: runners[0].cache.gcs: is ignored because Type = "s3". Fix: remove [runners.cache.gcs], or set Type = "gcs".',
    ]);
  });

  test('GIVEN a backend section without Type WHEN validated THEN Type is required', () => {
    expect([lint({ after: '[runners.cache]\nShared = true\n[runners.cache.s3]\nBucketName = "b"' }), lint({ after: '[runners.cache]\nType = ""\n[runners.cache.gcs]\nBucketName = "b"' })].flat()).toEqual([
      'error: runners[0].cache.Type: got nothing, but [runners.cache.s3] is set; without Type the runner uses no cache at all. Fix: set Type = "s3".',
      'error: runners[0].cache.Type: got "", but [runners.cache.gcs] is set; without Type the runner uses no cache at all. Fix: set Type = "gcs".',
    ]);
  });

  test('GIVEN ServerAddress with https:// and a path WHEN validated THEN the fix strips them and keeps Insecure = false', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerAddress = "https://minio.example.com:9000/"' })).toEqual([
      'error: runners[0].cache.s3.ServerAddress: got "https://minio.example.com:9000/", expected host[:port] without scheme or path; it has a scheme (://). Fix: write "minio.example.com:9000" and keep Insecure = false (HTTPS).',
    ]);
  });

  test('GIVEN ServerAddress with a port but no host WHEN validated THEN an error (there is nothing to connect to)', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerAddress = ":9000"' })).toEqual([
      'error: runners[0].cache.s3.ServerAddress: got ":9000", expected host[:port] without scheme or path; the host is missing. Fix: write host[:port], e.g. "minio.example.com:9000".',
    ]);
  });

  test('GIVEN ServerAddress with http:// WHEN validated THEN the fix sets Insecure = true', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerAddress = "http://10.0.0.2:9005"' })).toEqual([
      'error: runners[0].cache.s3.ServerAddress: got "http://10.0.0.2:9005", expected host[:port] without scheme or path; it has a scheme (://). Fix: write "10.0.0.2:9005" and set Insecure = true (plain HTTP).',
    ]);
  });

  test('GIVEN ServerAddress with a bad port WHEN validated THEN it is an error', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerAddress = "minio:0"' })).toEqual([
      'error: runners[0].cache.s3.ServerAddress: got "minio:0", expected host[:port] without scheme or path; the port "0" is not 1-65535. Fix: write host[:port], e.g. "minio.example.com:9000".',
    ]);
  });

  test('GIVEN ServerAddress host:port WHEN validated THEN it is accepted', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerAddress = "10.0.0.2:9005"\nInsecure = true' })).toEqual([]);
  });

  test('GIVEN AccessKey without SecretKey WHEN validated THEN the pair is incomplete', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nAccessKey = "PLACEHOLDER"' })).toEqual([
      'error: runners[0].cache.s3.SecretKey: got nothing, but AccessKey is set; AccessKey and SecretKey only work together. Fix: set SecretKey, or remove AccessKey.',
    ]);
  });

  test('GIVEN AuthenticationType access-key without keys, or iam with keys WHEN validated THEN each is reported', () => {
    expect([lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nAuthenticationType = "access-key"' }), lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nAuthenticationType = "iam"\nAccessKey = "PLACEHOLDER"\nSecretKey = "PLACEHOLDER"' })].flat()).toEqual([
      'error: runners[0].cache.s3.AccessKey: got nothing, but AuthenticationType = "access-key" needs AccessKey and SecretKey. Fix: set both, or use AuthenticationType = "iam".',
      'warning: runners[0].cache.s3.AccessKey: is ignored because AuthenticationType = "iam" (credentials come from the instance role). Fix: remove the keys, or use AuthenticationType = "access-key".',
    ]);
  });

  test('GIVEN KMS encryption without a key id, or a key id without KMS WHEN validated THEN each is reported', () => {
    expect([lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerSideEncryption = "KMS"' }), lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nServerSideEncryption = "S3"\nServerSideEncryptionKeyID = "key"' })].flat()).toEqual([
      'error: runners[0].cache.s3.ServerSideEncryptionKeyID: got nothing, but ServerSideEncryption = "KMS" needs the KMS key. Fix: set ServerSideEncryptionKeyID to the KMS key ARN or id.',
      'warning: runners[0].cache.s3.ServerSideEncryptionKeyID: is ignored unless ServerSideEncryption is "KMS" or "DSSE-KMS" (got "S3"). Fix: set ServerSideEncryption = "KMS", or remove the key id.',
    ]);
  });

  test('GIVEN RoleARN and UploadRoleARN together WHEN validated THEN UploadRoleARN is deprecated and redundant', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\nRoleARN = "arn:aws:iam::123456789012:role/a"\nUploadRoleARN = "arn:aws:iam::123456789012:role/a"' })).toEqual([
      'warning: runners[0].cache.s3.UploadRoleARN: UploadRoleARN is deprecated (still read for now); its replacement is RoleARN. Fix: rename UploadRoleARN to RoleARN.',
      'warning: runners[0].cache.s3.UploadRoleARN: is set together with RoleARN; RoleARN replaces it. Fix: remove UploadRoleARN.',
    ]);
  });

  test('GIVEN gcs AccessID without PrivateKey, or with CredentialsFile WHEN validated THEN each is reported', () => {
    expect([lint({ after: '[runners.cache]\nType = "gcs"\n[runners.cache.gcs]\nBucketName = "b"\nAccessID = "ci@example.iam.gserviceaccount.com"' }), lint({ after: '[runners.cache]\nType = "gcs"\n[runners.cache.gcs]\nBucketName = "b"\nCredentialsFile = "/etc/gcs.json"\nAccessID = "ci@example.iam.gserviceaccount.com"\nPrivateKey = "PLACEHOLDER"' })].flat()).toEqual([
      'error: runners[0].cache.gcs.PrivateKey: got nothing, but AccessID is set; AccessID and PrivateKey only work together. Fix: set PrivateKey, or remove AccessID.',
      'warning: runners[0].cache.gcs.CredentialsFile: is set together with AccessID/PrivateKey; use one way of authenticating. Fix: remove CredentialsFile or the AccessID/PrivateKey pair.',
    ]);
  });

  test('GIVEN azure AccountName without AccountKey WHEN validated THEN the pair is incomplete', () => {
    expect(lint({ after: '[runners.cache]\nType = "azure"\n[runners.cache.azure]\nContainerName = "c"\nAccountName = "a"' })).toEqual([
      'error: runners[0].cache.azure.AccountKey: got nothing, but AccountName is set; AccountName and AccountKey only work together. Fix: set AccountKey, or remove AccountName.',
    ]);
  });

  test('GIVEN the empty backend tables gitlab-runner register writes WHEN validated THEN they are not reported', () => {
    expect([lint({ after: '[runners.cache]\nMaxUploadedArchiveSize = 0\n[runners.cache.s3]\n[runners.cache.gcs]\n[runners.cache.azure]' }), lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]\nBucketName = "b"\n[runners.cache.gcs]\n[runners.cache.azure]' })].flat()).toEqual([]);
  });

  test('GIVEN Type = "s3" with an empty [runners.cache.s3] WHEN validated THEN BucketName is required', () => {
    expect(lint({ after: '[runners.cache]\nType = "s3"\n[runners.cache.s3]' })).toEqual([
      'error: runners[0].cache.s3.BucketName: got nothing, but the s3 cache needs BucketName. Fix: set BucketName in [runners.cache.s3].',
    ]);
  });
});
