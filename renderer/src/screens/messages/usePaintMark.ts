import { useEffect } from 'react';

/**
 * Each time `when` turns true, a `performance.mark(name)` once that render has been painted (the
 * next animation frame, then a task: the frame's paint has happened by then). Only the latest mark
 * of a name is kept. `npm run bench` reads these marks; nothing else does.
 */
export function usePaintMark(name: string, when: boolean): void {
  useEffect(() => {
    if (!when) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        performance.clearMarks(name);
        performance.mark(name);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [name, when]);
}
