// A real S3 server (s3rver on loopback) for an e2e file: started before its journeys, stopped after.
import { afterAll, beforeAll } from 'vitest';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../electron/node/test-support/s3rver-process.js';

/** The running server, read inside the journeys (`bucket` names the bucket it makes). */
export function useE2ES3rver(bucket = 'afterword-e2e'): () => S3rverProcess {
  let running: S3rverProcess | undefined;
  beforeAll(async () => {
    running = await startS3rver(bucket);
  }, 30_000);
  afterAll(async () => {
    if (running) await stopS3rver(running);
  });
  return () => {
    if (!running) throw new Error('the S3 server runs only inside the journeys');
    return running;
  };
}
