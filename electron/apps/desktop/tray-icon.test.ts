import { describe, expect, it } from 'vitest';
import { LEVEL_COLOURS, trayIconBitmap } from './tray-icon.js';

const pixel = (buf: Buffer, size: number, x: number, y: number) => [
  ...buf.subarray((y * size + x) * 4, (y * size + x) * 4 + 4),
];

describe('trayIconBitmap', () => {
  it('is a BGRA circle in the level colour, transparent in the corners', () => {
    const size = 32;
    const icon = trayIconBitmap(0, size);
    expect(icon.length).toBe(size * size * 4);
    const [r, g, b] = LEVEL_COLOURS[0]!;
    expect(pixel(icon, size, 16, 16)).toEqual([b, g, r, 255]);
    expect(pixel(icon, size, 0, 0)[3]).toBe(0);
  });

  it('differs per level and clamps out-of-range levels', () => {
    const icons = [0, 1, 2, 3, 4, 5].map((l) => trayIconBitmap(l, 16).toString('hex'));
    expect(new Set(icons).size).toBe(6);
    expect(trayIconBitmap(9, 16)).toEqual(trayIconBitmap(5, 16));
    expect(trayIconBitmap(-1, 16)).toEqual(trayIconBitmap(0, 16));
  });
});
