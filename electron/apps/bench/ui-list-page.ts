/**
 * What the UI list benchmark runs inside the page (serialized by Playwright, so each function is
 * self-contained). The renderer marks 'messages:data' when a page of the list arrives and
 * 'messages:painted' once every row in the DOM has its data and has been painted
 * (renderer/src/screens/messages/usePaintMark.ts); only the latest mark of each name is kept.
 */

/** The little of the DOM these functions use: this folder compiles without the DOM library. */
interface PageElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { readonly length: number };
  getAttribute(name: string): string | null;
}

interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null };
  performance: {
    now(): number;
    clearMarks(name?: string): void;
    getEntriesByName(name: string): { startTime: number; detail?: unknown }[];
    getEntriesByType(type: string): { name: string; responseEnd?: number }[];
  };
}

/** What the DOM holds once the screen is complete. */
export interface ListScreen {
  /** When the screen was painted complete (page clock, ms). */
  paintedAt: number;
  /** Row elements in the DOM. */
  rows: number;
  /** Rows still showing a skeleton (0 on a complete screen). */
  busyRows: number;
  /** aria-posinset of the first and last rows in the DOM. */
  firstRow: number;
  lastRow: number;
  /** aria-setsize: how many messages the list holds. */
  total: number;
  /** How many rows fit in the scroll area. */
  viewportRows: number;
}

export interface FirstScreen extends ListScreen {
  /** The first messages.list response's end (resource timing), or null if there is none. */
  responseEndAt: number | null;
  /** The 'messages:data' mark, and the list page it was for. */
  dataAt: number;
  dataPage: number;
}

export const SCROLLER = '[data-testid="message-list-scroll"]';

/** For page.waitForFunction: the list has painted a complete screen since the mark was cleared. */
export function listPainted(): boolean {
  const { performance } = globalThis as unknown as PageGlobals;
  return performance.getEntriesByName('messages:painted').length > 0;
}

/** The rows in the DOM and the 'messages:painted' mark. */
export function readScreen(scroller: string): ListScreen {
  const { document, performance } = globalThis as unknown as PageGlobals;
  const scroll = document.querySelector(scroller);
  if (!scroll) throw new Error(`no ${scroller} on the page`);
  // No inner named functions here: a transpiler keeping names would wrap them in a helper the page lacks.
  const first = scroll.querySelector('[role="listitem"]');
  const last = scroll.querySelector('[role="listitem"]:last-child');
  return {
    paintedAt: performance.getEntriesByName('messages:painted')[0]?.startTime ?? NaN,
    rows: scroll.querySelectorAll('[role="listitem"]').length,
    busyRows: scroll.querySelectorAll('[role="listitem"] [aria-busy="true"]').length,
    firstRow: Number(first?.getAttribute('aria-posinset') ?? NaN),
    lastRow: Number(last?.getAttribute('aria-posinset') ?? NaN),
    total: Number(first?.getAttribute('aria-setsize') ?? NaN),
    viewportRows: Math.ceil(scroll.clientHeight / 60),
  };
}

/** The first screen, with when its data arrived (response end and the 'messages:data' mark). */
export function readDataArrival(): Omit<FirstScreen, keyof ListScreen> {
  const { performance } = globalThis as unknown as PageGlobals;
  const data = performance.getEntriesByName('messages:data')[0];
  const response = performance
    .getEntriesByType('resource')
    .find((entry) => entry.name.includes('/api/rpc/messages.list'));
  return {
    responseEndAt: response?.responseEnd ?? null,
    dataAt: data?.startTime ?? NaN,
    dataPage: Number((data?.detail as { page?: unknown } | undefined)?.page ?? NaN),
  };
}

/**
 * Clears 'messages:painted' and scrolls the list to `fraction` of its height (1: the end), as a
 * drag of the scroll bar would; returns when that happened (page clock, ms).
 */
export function scrollList({ scroller, fraction }: { scroller: string; fraction: number }): number {
  const { document, performance } = globalThis as unknown as PageGlobals;
  const scroll = document.querySelector(scroller);
  if (!scroll) throw new Error(`no ${scroller} on the page`);
  performance.clearMarks('messages:painted');
  const start = performance.now();
  scroll.scrollTop = Math.round((scroll.scrollHeight - scroll.clientHeight) * fraction);
  return start;
}
