// Test helper: a real S3 server (s3rver on loopback) for a CLI test file, started before its tests
// and stopped after them. Only for *.test.ts files.
import { afterAll, beforeAll } from 'vitest';
import {
  startS3rver,
  stopS3rver,
  type S3rverOptions,
  type S3rverProcess,
} from '../../../node/test-support/s3rver-process.js';
import { assertCliBuilt } from './run-cli.js';

/** s3rver's fixed credentials, as the CLI reads them. */
export const S3RVER_ENV = { AFTERWORD_S3_ACCESS_KEY_ID: 'S3RVER', AFTERWORD_S3_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface CliS3rver {
  /** The running server (only inside tests). */
  readonly server: S3rverProcess;
  /** `--endpoint … --bucket … --prefix PREFIX --path-style` for `backup target s3`, `restore`, `standby init`. */
  bucketFlags(prefix: string): string[];
}

/** `options.conditionalWrites`: AWS's If-Match / If-None-Match, which standby mode needs (plain s3rver ignores them). */
export function useCliS3rver(options: S3rverOptions = {}): CliS3rver {
  let running: S3rverProcess | undefined;
  beforeAll(async () => {
    assertCliBuilt();
    running = await startS3rver('afterword', undefined, options);
  }, 30_000);
  afterAll(async () => {
    if (running) await stopS3rver(running);
  });
  const handle: CliS3rver = {
    get server(): S3rverProcess {
      if (!running) throw new Error('the S3 server runs only inside the tests');
      return running;
    },
    bucketFlags: (prefix) => [
      '--endpoint',
      `http://127.0.0.1:${handle.server.port}`,
      '--bucket',
      handle.server.bucket,
      '--prefix',
      prefix,
      '--path-style',
    ],
  };
  return handle;
}
