// Test helper: fills the file system holding `dir` (a small tmpfs in the tests) until it is full.
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export async function fillDisk(dir: string): Promise<void> {
  const handle = await open(join(dir, 'filler'), 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await handle.write(block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}
