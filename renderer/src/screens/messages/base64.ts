/** Bytes to base64 (in blocks, so a 256 KiB chunk never overflows the argument list). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const BLOCK = 0x8000;
  for (let i = 0; i < bytes.length; i += BLOCK) binary += String.fromCharCode(...bytes.subarray(i, i + BLOCK));
  return btoa(binary);
}

export function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** How many chunks a file of `size` bytes takes (an empty file still sends none and is finished directly). */
export function chunkCount(size: number, chunkBytes: number): number {
  return Math.ceil(size / chunkBytes);
}
