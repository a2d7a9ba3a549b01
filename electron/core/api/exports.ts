import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ATTACHMENT_CHUNK_BYTES } from '../../../shared/contract/attachment-chunks.js';
import type { MethodOutput } from '../../../shared/contract/methods.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { ExportTarget } from '../export/export-writer.js';
import { newId } from '../ids.js';
import type { Clock } from '../ports/clock.js';
import type { VaultServices } from '../services.js';
import { VaultLockedError } from '../vault/vault-errors.js';

/** An export nobody fetched from for this long is deleted. */
export const EXPORT_IDLE_MS = 10 * 60 * 1000;
const SWEEP_EVERY_MS = 60 * 1000;
/** Where the app keeps exports waiting to be fetched: a folder of the vault's own (ciphertext only). */
export const EXPORTS_FOLDER = 'exports';

interface WaitingExport {
  path: string;
  size: number;
  touchedAt: number;
}

/**
 * Exports for the UI: written (encrypted) to a 0600 file in the vault's folder by the one export
 * writer, then fetched in base64 chunks. The file is deleted after its last chunk is read, on
 * cancel, when the UI locks, and after EXPORT_IDLE_MS unused.
 */
export class Exports {
  private readonly waiting = new Map<string, WaitingExport>();
  /** Bumped by cancelAll(): an export that was being written then is dropped when it is done. */
  private generation = 0;
  private sweeper: ReturnType<typeof setInterval> | null = null;
  /** Exports being written now. */
  private writing = 0;
  /** Deletions under way (a lock starts them without waiting). */
  private readonly removing = new Set<Promise<void>>();

  constructor(
    private readonly services: () => VaultServices,
    private readonly clock: Clock,
  ) {}

  async begin(target: ExportTarget): Promise<MethodOutput<'backup.exportBegin'>> {
    const generation = this.generation;
    await this.sweep();
    const services = this.services();
    const folder = join(services.vault.dir, EXPORTS_FOLDER);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await removeAbandoned(folder);
    const exportId = newId('exp');
    const path = join(folder, `${exportId}.age`);
    const now = this.clock.now();
    this.writing++;
    let written;
    try {
      // age-encryption and its curves load only for an export, not with every start of the core.
      const { writeExport } = await import('../export/export-writer.js');
      written = await writeExport(services, target, path, { now, overwrite: true });
    } finally {
      this.writing--;
    }
    if (generation !== this.generation) {
      await rm(path, { force: true });
      throw new VaultLockedError();
    }
    this.waiting.set(exportId, { path, size: written.size, touchedAt: this.clock.now() });
    this.sweeper ??= setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref?.();
    return {
      exportId,
      fileName: `afterword-export-${new Date(now).toISOString().slice(0, 10)}.tar.age`,
      size: written.size,
      chunkBytes: ATTACHMENT_CHUNK_BYTES,
    };
  }

  /** Chunk `index` (any order, again if need be); the file is deleted once the last one is read. */
  async chunk(exportId: string, index: number): Promise<MethodOutput<'backup.exportChunk'>> {
    await this.sweep();
    const waiting = this.waiting.get(exportId);
    if (!waiting) throw new NotFoundError('export', exportId);
    const count = Math.max(1, Math.ceil(waiting.size / ATTACHMENT_CHUNK_BYTES));
    if (index >= count) throw new BadRequestError(`export ${exportId} has ${count} chunks (0 to ${count - 1})`);
    const start = index * ATTACHMENT_CHUNK_BYTES;
    const length = Math.min(ATTACHMENT_CHUNK_BYTES, waiting.size - start);
    const buffer = Buffer.alloc(length);
    const handle = await open(waiting.path, 'r').catch((error: unknown) => {
      // Cancelled (or swept, or locked) while this chunk was asked for.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('export', exportId);
      throw error;
    });
    try {
      await handle.read(buffer, 0, length, start);
    } finally {
      await handle.close();
    }
    waiting.touchedAt = this.clock.now();
    const last = index === count - 1;
    if (last) await this.cancel(exportId);
    return { index, last, data: buffer.toString('base64') };
  }

  async cancel(exportId: string): Promise<void> {
    const waiting = this.waiting.get(exportId);
    if (!waiting) return;
    this.waiting.delete(exportId);
    if (this.waiting.size === 0) this.stopSweeper();
    const removal = rm(waiting.path, { force: true });
    this.removing.add(removal);
    try {
      await removal;
    } finally {
      this.removing.delete(removal);
    }
  }

  /**
   * Exports a process left when it ended before they were fetched (ciphertext, of no use to
   * anyone): deleted when the vault opens. An export begun meanwhile waits for it (sweep).
   */
  removeLeftovers(vaultDir: string): void {
    const removal = removeAbandoned(join(vaultDir, EXPORTS_FOLDER)).catch(() => undefined);
    this.removing.add(removal);
    void removal.finally(() => this.removing.delete(removal));
  }

  /** The UI locked or the app closes: every waiting export is deleted, and one being written is dropped. */
  async cancelAll(): Promise<void> {
    this.generation++;
    await Promise.all([...this.waiting.keys()].map((id) => this.cancel(id).catch(() => undefined)));
  }

  /**
   * Deletes exports unused for EXPORT_IDLE_MS (the clock is the app's, so tests move it), and
   * waits for deletions already under way.
   */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const expired = [...this.waiting].filter(([, w]) => now - w.touchedAt >= EXPORT_IDLE_MS).map(([id]) => id);
    for (const id of expired) await this.cancel(id);
    await Promise.allSettled([...this.removing]);
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

/**
 * Deletes the files in the exports folder untouched for EXPORT_IDLE_MS: left by a process that
 * ended before they were fetched. Younger ones may be another process's export (the desktop app
 * and the runner, or any CLI command, open the same vault), still written or fetched. File times
 * are the system's, so this compares with the system's time, not the app's clock.
 */
async function removeAbandoned(folder: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const now = Date.now();
  await Promise.all(
    names.map(async (name) => {
      const file = join(folder, name);
      const info = await stat(file).catch(() => null);
      if (info && now - info.mtimeMs >= EXPORT_IDLE_MS) await rm(file, { force: true });
    }),
  );
}
