import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A built renderer at `<base>/renderer` (index.html, assets/app.js, assets/style.css) with secrets
 * beside it — `secret.txt`, and `renderer-evil.txt`, whose name has the root's as a prefix — and,
 * off Windows, symlinks out of the root (`link-out.txt`, `dir-out/`) and one inside (`link-in.js`).
 */
export async function makeRendererTree(prefix: string): Promise<{ base: string; root: string }> {
  const base = await mkdtemp(join(tmpdir(), prefix));
  const root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Afterword</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'style.css'), 'body{}');
  await writeFile(join(base, 'secret.txt'), 'TOP SECRET');
  await writeFile(join(base, 'renderer-evil.txt'), 'SIBLING SECRET');
  if (process.platform !== 'win32') {
    await symlink(join(base, 'secret.txt'), join(root, 'link-out.txt'));
    await symlink(base, join(root, 'dir-out'));
    await symlink(join(root, 'assets', 'app.js'), join(root, 'link-in.js'));
  }
  return { base, root };
}
