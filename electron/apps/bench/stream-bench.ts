/**
 * (2) Attachment stream encryption: encryptBlobStream against node's native aes-256-gcm over the
 * same bytes in the same 64 KiB chunking, with the peak RSS growth of our run.
 */
import { createCipheriv, randomFillSync, type CipherGCMTypes } from 'node:crypto';
import { BLOB_CHUNK_BYTES, BLOB_HEADER_BYTES, chunkNonce } from '../../core/crypto/blob-format.js';
import { encryptBlobStream } from '../../core/crypto/blob-stream.js';
import { defaultChunkCipher, nobleChunkCipher, type ChunkCipher } from '../../core/crypto/chunk-cipher.js';
import type { ContentKey } from '../../core/crypto/envelope.js';
import { randomBytes } from '../../core/crypto/aead.js';
import { MIB, median, nowMs } from './stats.js';

const PIECE_BYTES = MIB;
const SAMPLE_EVERY_MS = 50;

/** One reusable 1 MiB random buffer, yielded again and again (ByteReader copies what it keeps). */
async function* pieces(piece: Uint8Array, totalBytes: number): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < totalBytes; sent += piece.length) {
    yield sent + piece.length <= totalBytes ? piece : piece.subarray(0, totalBytes - sent);
  }
}

/**
 * Samples process.memoryUsage().rss every 50 ms. The timer alone is not enough: a stream whose
 * source never waits on I/O runs entirely in microtasks and starves timers, so the sink also
 * calls maybeSample() on every chunk.
 */
class RssSampler {
  readonly baseline: number;
  peak: number;
  samples = 0;
  private last = nowMs();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.baseline = process.memoryUsage().rss;
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    this.samples++;
    this.last = nowMs();
  }

  maybeSample(): void {
    if (nowMs() - this.last >= SAMPLE_EVERY_MS) this.sample();
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak - this.baseline;
  }
}

interface Timed {
  /** Wall-clock time. */
  ms: number;
  /** CPU time of the whole process (user + system, all threads) over the same span. */
  cpuMs: number;
  outBytes: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const newKey = (): ContentKey => ({ id: randomBytes(8), key: randomBytes(32) });

/** Bytes out of encryptBlobStream over `totalBytes` of input; ms taken. */
async function runOurs(
  piece: Uint8Array,
  totalBytes: number,
  cipher: ChunkCipher | undefined,
  onChunk?: () => void,
): Promise<Timed> {
  const key = newKey();
  let outBytes = 0;
  const cpu = process.cpuUsage();
  const start = nowMs();
  for await (const sealed of encryptBlobStream(pieces(piece, totalBytes), {
    key,
    blobId: 'att_benchmark00000',
    ...(cipher ? { cipher } : {}),
  })) {
    outBytes += sealed.length;
    onChunk?.();
  }
  return { ms: nowMs() - start, cpuMs: cpuMsSince(cpu), outBytes };
}

/**
 * The native baseline: the same source pieces, cut into the same 64 KiB chunks, each sealed
 * with a fresh createCipheriv + setAAD(header) + update + final + getAuthTag.
 */
async function runNative(
  algorithm: CipherGCMTypes | 'chacha20-poly1305',
  piece: Uint8Array,
  totalBytes: number,
): Promise<Timed> {
  const key = randomBytes(32);
  const header = randomBytes(BLOB_HEADER_BYTES);
  const chunks = Math.max(1, Math.ceil(totalBytes / BLOB_CHUNK_BYTES));
  let index = 0;
  let outBytes = header.length;
  const cpu = process.cpuUsage();
  const start = nowMs();
  for await (const p of pieces(piece, totalBytes)) {
    for (let offset = 0; offset < p.length; offset += BLOB_CHUNK_BYTES) {
      const nonce = chunkNonce(index, index === chunks - 1);
      index++;
      const cipher = createCipheriv(algorithm as CipherGCMTypes, key, nonce, { authTagLength: 16 });
      const plaintext = p.subarray(offset, offset + BLOB_CHUNK_BYTES);
      cipher.setAAD(header, { plaintextLength: plaintext.length });
      const body = cipher.update(plaintext);
      const rest = cipher.final();
      const tag = cipher.getAuthTag();
      outBytes += body.length + rest.length + tag.length;
    }
  }
  return { ms: nowMs() - start, cpuMs: cpuMsSince(cpu), outBytes };
}

export interface StreamSizes {
  streamBytes: number;
  nobleBytes: number;
  /** Rounds of (ours, native aes-256-gcm, native chacha20-poly1305), run back to back. */
  rounds: number;
}

export interface StreamResult {
  /** Medians over the rounds, wall-clock. */
  oursMs: number;
  nativeAesMs: number;
  nativeChachaMs: number;
  /**
   * Medians over the rounds, process CPU time. On a busy machine wall-clock time also counts the
   * time other processes held the CPU; CPU time does not, so it shows what the code itself costs.
   */
  oursCpuMs: number;
  nativeAesCpuMs: number;
  oursCipher: string;
  nobleMs: number;
  /** Largest growth over the pre-run RSS seen during any of our rounds. */
  peakRssGrowthBytes: number;
  rssSamples: number;
  outBytes: number;
  roundsMs: { ours: number[]; nativeAes: number[]; nativeChacha: number[] };
  roundsCpuMs: { ours: number[]; nativeAes: number[] };
}

export async function streamBench(sizes: StreamSizes, progress: (line: string) => void): Promise<StreamResult> {
  const piece = randomFillSync(new Uint8Array(PIECE_BYTES));

  // Warm-up (JIT, OpenSSL init), untimed. 8 MiB was not enough for the async generator path of
  // encryptBlobStream to reach its steady state: its first timed round came out ~30% slower.
  const warm = 32 * MIB;
  await runOurs(piece, warm, undefined);
  await runNative('aes-256-gcm', piece, warm);
  await runNative('chacha20-poly1305', piece, warm);
  await runOurs(piece, 2 * MIB, nobleChunkCipher);

  const mib = `${Math.round(sizes.streamBytes / MIB)} MiB`;
  const rounds = { ours: [] as number[], nativeAes: [] as number[], nativeChacha: [] as number[] };
  const cpuRounds = { ours: [] as number[], nativeAes: [] as number[] };
  let peakRssGrowthBytes = 0;
  let rssSamples = 0;
  let outBytes = 0;
  for (let round = 1; round <= sizes.rounds; round++) {
    progress(
      `  round ${round}/${sizes.rounds}: encryptBlobStream (${defaultChunkCipher().name}), native aes-256-gcm, native chacha20-poly1305 on ${mib}`,
    );
    const sampler = new RssSampler();
    let ours: Timed;
    try {
      ours = await runOurs(piece, sizes.streamBytes, undefined, () => sampler.maybeSample());
    } finally {
      peakRssGrowthBytes = Math.max(peakRssGrowthBytes, sampler.stop());
      rssSamples += sampler.samples;
    }
    outBytes = ours.outBytes;
    const aes = await runNative('aes-256-gcm', piece, sizes.streamBytes);
    const chacha = await runNative('chacha20-poly1305', piece, sizes.streamBytes);
    rounds.ours.push(ours.ms);
    rounds.nativeAes.push(aes.ms);
    rounds.nativeChacha.push(chacha.ms);
    cpuRounds.ours.push(ours.cpuMs);
    cpuRounds.nativeAes.push(aes.cpuMs);
  }

  progress(`  encryptBlobStream (${nobleChunkCipher.name}): ${Math.round(sizes.nobleBytes / MIB)} MiB`);
  const noble = await runOurs(piece, sizes.nobleBytes, nobleChunkCipher);

  return {
    oursMs: median(rounds.ours),
    nativeAesMs: median(rounds.nativeAes),
    nativeChachaMs: median(rounds.nativeChacha),
    oursCpuMs: median(cpuRounds.ours),
    nativeAesCpuMs: median(cpuRounds.nativeAes),
    oursCipher: defaultChunkCipher().name,
    nobleMs: noble.ms,
    peakRssGrowthBytes,
    rssSamples,
    outBytes,
    roundsMs: rounds,
    roundsCpuMs: cpuRounds,
  };
}
