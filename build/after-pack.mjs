// electron-builder `afterPack` hook: flips the packaged Electron binary's fuses and reads them back
// (dist/electron/tooling/electron-fuses.js, built by `npm run build`). A fuse that did not take
// throws, and the build stops before anything is signed or wrapped into an installer.
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

const FUSES_MODULE = fileURLToPath(new URL('../dist/electron/tooling/electron-fuses.js', import.meta.url));

/** How electron-builder names the packed executable (macOS: the .app bundle the fuse tool opens). */
const EXTENSIONS = { darwin: '.app', mas: '.app', win32: '.exe', linux: '' };

/** builder-util's Arch: arm64 and universal macOS builds carry an ad-hoc signature the flip breaks. */
const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;

/** The Electron binary electron-builder just packed, as its own fuse step finds it. */
export function packedBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const extension = EXTENSIONS[electronPlatformName];
  if (extension === undefined)
    throw new Error(`after-pack: no fuse handling for the platform "${electronPlatformName}"`);
  const name = electronPlatformName === 'linux' ? packager.executableName : packager.appInfo.productFilename;
  return join(appOutDir, `${name}${extension}`);
}

export default async function afterPack(context) {
  const binary = packedBinary(context);
  const { flipAndVerifyFuses } = await import(pathToFileURL(FUSES_MODULE).href);
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flipAndVerifyFuses(binary, {
    resetAdHocDarwinSignature: darwin && (context.arch === ARCH_ARM64 || context.arch === ARCH_UNIVERSAL),
  });
  process.stdout.write(`  • fuses flipped and read back  binary=${binary}\n`);
}
