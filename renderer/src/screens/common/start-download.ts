/**
 * Saves what `url` (a blob: URL) holds under `fileName`, through a link with `download`: the
 * browser's download; in the desktop shell the session's `will-download`, which with no handler
 * set has Electron ask where to save with its own dialog.
 */
export function startDownload(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}
