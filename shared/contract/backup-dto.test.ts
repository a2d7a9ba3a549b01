import { describe, expect, it } from 'vitest';
import { backupTargetInputSchema } from './backup-dto.js';

const input = (endpoint: string) => ({ endpoint, bucket: 'my-bucket', accessKeyId: 'id', secretAccessKey: 'secret' });

describe('backup target endpoint', () => {
  it('accepts an ordinary endpoint and a local MinIO', () => {
    expect(backupTargetInputSchema().safeParse(input('https://s3.eu-central-1.amazonaws.com')).success).toBe(true);
    expect(backupTargetInputSchema().safeParse(input('http://127.0.0.1:9000')).success).toBe(true);
  });

  it.each([
    'http://169.254.169.254',
    'http://169.254.10.1:9000/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]:9000',
    'http://[::ffff:169.254.169.254]/',
    'http://2852039166/',
  ])('refuses the link-local or metadata address %s', (endpoint) => {
    const parsed = backupTargetInputSchema().safeParse(input(endpoint));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/link-local or cloud metadata/);
  });

  it('refuses user:pass@ in the endpoint without repeating it', () => {
    const parsed = backupTargetInputSchema().safeParse(input('https://AKIA:topsecret@s3.example.org'));
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('topsecret');
    expect(parsed.error?.issues[0]?.message).toMatch(/may not carry a user name or password/);
  });
});
