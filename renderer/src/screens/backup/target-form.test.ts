import { describe, expect, it } from 'vitest';
import { restoreCommand, shellWord } from './restore-command';
import { formFromTarget, targetInput, targetProblems, type TargetForm } from './target-form';

const filled: TargetForm = {
  ...formFromTarget(null),
  endpoint: 'http://127.0.0.1:9000',
  bucket: 'my-afterword',
  accessKeyId: 'AKIA1',
  secretAccessKey: 's3cret',
};

describe('the backup target form', () => {
  it('accepts a complete form and sends every field', () => {
    expect(targetProblems(filled, false)).toEqual({});
    expect(targetInput(filled, false)).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'my-afterword',
      prefix: 'afterword/v1',
      region: 'us-east-1',
      pathStyle: false,
      accessKeyId: 'AKIA1',
      secretAccessKey: 's3cret',
    });
  });

  it('leaves an empty secret out when one is stored, and asks for it when none is', () => {
    const noSecret = { ...filled, secretAccessKey: '' };
    expect(targetInput(noSecret, true)).not.toHaveProperty('secretAccessKey');
    expect(targetProblems(noSecret, true)).toEqual({});
    expect(targetProblems(noSecret, false)).toEqual({ secretAccessKey: 'secretRequired' });
  });

  it.each([
    ['', 'endpointRequired'],
    ['s3.example.org', 'endpointInvalid'],
    ['ftp://s3.example.org', 'endpointInvalid'],
    ['https://AKIA:pw@s3.example.org', 'endpointUserInfo'],
    ['http://169.254.169.254', 'endpointLinkLocal'],
  ] as const)('names the endpoint %j as %s', (endpoint, problem) => {
    expect(targetProblems({ ...filled, endpoint }, false)).toEqual({ endpoint: problem });
  });

  it('names the bucket, prefix, region and access key id problems the contract finds', () => {
    expect(
      targetProblems({ ...filled, bucket: 'My_Bucket', prefix: 'a\\b', region: ' ', accessKeyId: '' }, false),
    ).toEqual({
      bucket: 'bucketInvalid',
      prefix: 'prefixInvalid',
      region: 'regionRequired',
      accessKeyId: 'accessKeyIdRequired',
    });
  });

  it('sends a pasted CA certificate, keeps a stored one when left empty, and drops it when unticked', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const https = { ...filled, endpoint: 'https://nas.local:9000', ownCa: true };
    expect(targetProblems({ ...https, ca: `\n${pem}\n` }, false)).toEqual({});
    expect(targetInput({ ...https, ca: `\n${pem}\n` }, false)).toMatchObject({ ca: pem });
    expect(targetProblems({ ...https, ca: '' }, false)).toEqual({ ca: 'caRequired' });
    expect(targetProblems({ ...https, ca: '' }, true, true)).toEqual({});
    expect(targetInput({ ...https, ca: '' }, true, true)).not.toHaveProperty('ca');
    expect(targetInput({ ...https, ownCa: false }, true, true)).toMatchObject({ ca: null });
    expect(targetInput({ ...https, ownCa: false }, true, false)).not.toHaveProperty('ca');
    expect(targetProblems({ ...https, ca: 'not a certificate' }, false)).toEqual({ ca: 'caInvalid' });
    expect(targetProblems({ ...https, endpoint: 'http://nas.local:9000', ca: pem }, false)).toEqual({
      ca: 'caNeedsHttps',
    });
  });

  it('starts from the stored target, with the secret field empty', () => {
    const stored = {
      kind: 's3' as const,
      ...formFromTarget(null),
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'b1',
      customCa: false,
    };
    expect(formFromTarget(stored)).toEqual({
      ...formFromTarget(null),
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'b1',
    });
  });
});

describe('the restore command', () => {
  const target = {
    kind: 's3' as const,
    endpoint: 'http://127.0.0.1:9000',
    bucket: 'b1',
    prefix: 'afterword/v1',
    region: 'us-east-1',
    pathStyle: true,
    accessKeyId: 'x',
    customCa: false,
  };

  it('names the bucket the way the CLI reads it', () => {
    expect(restoreCommand(target)).toBe(
      'afterword restore --endpoint http://127.0.0.1:9000 --bucket b1 --prefix afterword/v1 --path-style --vault ~/afterword-restored',
    );
    expect(restoreCommand({ ...target, region: 'eu-central-1', pathStyle: false, prefix: '' }, 'NEW')).toBe(
      "afterword restore --endpoint http://127.0.0.1:9000 --bucket b1 --prefix '' --region eu-central-1 --vault NEW",
    );
    expect(restoreCommand({ ...target, customCa: true })).toContain(' --path-style --ca-file ca.pem --vault ');
  });

  it('quotes what a shell would split or expand', () => {
    expect(shellWord("my backups/it's")).toBe(`'my backups/it'\\''s'`);
    expect(shellWord('$HOME')).toBe(`'$HOME'`);
  });
});
