import { getHeapSpaceStatistics, type HeapSpaceInfo } from 'node:v8';

type HeapSpaces = () => readonly Pick<HeapSpaceInfo, 'space_name' | 'space_used_size' | 'space_available_size'>[];

const ROUND_ARRAYS = 256;
const ARRAY_SLOTS = 64;
/** About what one round allocates: its arrays, with their headers. */
const ROUND_BYTES = ROUND_ARRAYS * (ARRAY_SLOTS * 8 + 16);

/** Where each round's arrays go, so that no compiler can leave them unallocated. */
const sink: unknown[] = [undefined];

/**
 * Has V8 collect its young generation now, by allocating short-lived arrays until it does: no API
 * asks for it without a command-line flag. For a moment when the main thread would wait anyway.
 * The CLI calls it while the password's KDF runs on the thread pool: the collection that loading
 * the command made due then comes before the KDF ends, not after it, on the command's time (up to
 * ~15 ms where the young generation grows, as its new pages are touched for the first time).
 *
 * Returns whether it saw one: the young generation's use went down. Gives up after allocating
 * twice the room the young generation had left.
 */
export function collectYoungGenerationNow(spaces: HeapSpaces = getHeapSpaceStatistics): boolean {
  const young = () => spaces().find((s) => s.space_name === 'new_space');
  const start = young();
  if (!start) return false;
  const rounds = Math.ceil((2 * start.space_available_size) / ROUND_BYTES) + 1;
  let before = start.space_used_size;
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < ROUND_ARRAYS; i++) sink[0] = new Array(ARRAY_SLOTS);
      const now = young()?.space_used_size;
      if (now === undefined) return false;
      if (now < before) return true;
      before = now;
    }
    return false;
  } finally {
    sink[0] = undefined;
  }
}
