/** Tray icon colours per level: green when quiet, through amber, to red at the last warning. */
export const LEVEL_COLOURS: readonly (readonly [number, number, number])[] = [
  [46, 160, 67], // 0: all quiet
  [191, 170, 30],
  [222, 140, 20],
  [230, 100, 25],
  [220, 60, 35],
  [200, 30, 30], // 5
];

/**
 * A filled, anti-aliased circle as raw BGRA pixels (what nativeImage.createFromBitmap takes), so
 * the shell needs no icon files for its six states. Pure.
 */
export function trayIconBitmap(level: number, size = 32): Buffer {
  const [r, g, b] = LEVEL_COLOURS[Math.max(0, Math.min(LEVEL_COLOURS.length - 1, Math.trunc(level)))]!;
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size / 2 - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre);
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5));
      const i = (y * size + x) * 4;
      pixels[i] = b;
      pixels[i + 1] = g;
      pixels[i + 2] = r;
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}
