import { afterAll, beforeAll } from 'vitest';
import { S3ObjectStore } from '../s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from './s3rver-process.js';

/**
 * For a test file: one s3rver with AWS conditional writes for all its tests, and S3 stores on it
 * (or on another server) that are closed when the file ends.
 */
export function useConditionalS3rver(): {
  server: () => S3rverProcess;
  store: (prefix: string, on?: S3rverProcess) => S3ObjectStore;
} {
  let server: S3rverProcess;
  const stores: S3ObjectStore[] = [];
  beforeAll(async () => {
    server = await startS3rver('afterword', undefined, { conditionalWrites: true });
  }, 30_000);
  afterAll(async () => {
    for (const store of stores) store.close();
    await stopS3rver(server);
  });
  return {
    server: () => server,
    store: (prefix, on = server) => {
      const store = new S3ObjectStore(on.target(prefix));
      stores.push(store);
      return store;
    },
  };
}
