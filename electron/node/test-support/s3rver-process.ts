/** The tests' real S3 server: the bench's own launcher (built with the bench, which needs it at run time). */
export * from '../../apps/bench/s3rver-process.js';
