// Preload for a CLI child process (`node --expose-gc --import <this> bin/afterword.js …`): every
// few milliseconds, a full garbage collection and then the live memory (JS heap and the buffers
// outside it); the highest reading goes to stderr as `MEMORY_PEAK <bytes>` when the process exits.
// What a command holds at once, not what it allocated and dropped.
let peak = 0;
const sample = () => {
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  peak = Math.max(peak, heapUsed + arrayBuffers);
};
setInterval(sample, 20).unref();
process.on('exit', () => {
  sample();
  process.stderr.write(`MEMORY_PEAK ${peak}\n`);
});
