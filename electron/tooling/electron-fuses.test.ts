// The fuse step of packaging on a synthetic Electron binary: a file holding the fuse sentinel and a
// V1 fuse wire (as @electron/fuses finds it in a real binary), set to Electron's stock states.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fuseConstants from '@electron/fuses/dist/constants.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FuseMismatchError, flipAndVerifyFuses, fuseMismatches } from './electron-fuses.js';

const { SENTINEL } = fuseConstants;
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

/** Electron's own defaults, in wire order (RunAsNode … GrantFileProtocolExtraPrivileges). */
const STOCK = [ON, OFF, ON, ON, OFF, OFF, OFF, ON];
const PREFIX = Buffer.from('\x7fELF synthetic electron binary, code before the wire ');
const SUFFIX = Buffer.from(' code after the wire');

/** The sentinel, the wire's version (1) and length, and one byte per fuse. */
function syntheticBinary(states: number[] = STOCK): Buffer {
  return Buffer.concat([PREFIX, Buffer.from(SENTINEL), Buffer.from([1, states.length, ...states]), SUFFIX]);
}

function wireOf(file: string): number[] {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return [...bytes.subarray(at + 2, at + 2 + bytes[at + 1]!)];
}

let dir: string;
let binary: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'afterword-fuses-'));
  binary = join(dir, 'afterword');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('flipAndVerifyFuses', () => {
  it('turns RunAsNode, NODE_OPTIONS and --inspect off, cookie encryption and the asar checks on', async () => {
    writeFileSync(binary, syntheticBinary());
    await flipAndVerifyFuses(binary);
    // RunAsNode off, cookies on, NODE_OPTIONS off, inspect off, asar integrity on, only asar on;
    // the V8 snapshot and file-protocol fuses are left as Electron ships them.
    expect(wireOf(binary)).toEqual([OFF, ON, OFF, OFF, ON, ON, OFF, ON]);
    expect(await fuseMismatches(binary)).toEqual([]);
    const bytes = readFileSync(binary);
    expect(bytes.subarray(0, PREFIX.length)).toEqual(PREFIX);
    expect(bytes.subarray(bytes.length - SUFFIX.length)).toEqual(SUFFIX);
  });

  it('reads the stock wire back as six fuses in the wrong state', async () => {
    writeFileSync(binary, syntheticBinary());
    expect(await fuseMismatches(binary)).toEqual([
      'RunAsNode is on, must be off',
      'EnableCookieEncryption is off, must be on',
      'EnableNodeOptionsEnvironmentVariable is on, must be off',
      'EnableNodeCliInspectArguments is on, must be off',
      'EnableEmbeddedAsarIntegrityValidation is off, must be on',
      'OnlyLoadAppFromAsar is off, must be on',
    ]);
  });

  it('fails when a fuse reads back other than required', async () => {
    writeFileSync(binary, syntheticBinary());
    const flipNothing = async () => 1;
    const failure = await flipAndVerifyFuses(binary, { flip: flipNothing }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FuseMismatchError);
    expect((failure as FuseMismatchError).mismatches).toHaveLength(6);
    expect((failure as Error).message).toContain('RunAsNode is on, must be off');
  });

  it('fails on a wire too short to hold OnlyLoadAppFromAsar, and on a file without the sentinel', async () => {
    writeFileSync(binary, syntheticBinary(STOCK.slice(0, 5)));
    await expect(flipAndVerifyFuses(binary)).rejects.toThrow(/OnlyLoadAppFromAsar.*not long enough/);
    writeFileSync(binary, Buffer.concat([PREFIX, SUFFIX]));
    await expect(flipAndVerifyFuses(binary)).rejects.toThrow(/sentinel/);
  });
});

describe('build/after-pack.mjs (the electron-builder hook, on the built module)', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const built = join(root, 'dist', 'electron', 'tooling', 'electron-fuses.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: build first (npm run build, or npx tsc -b)`);
  const hook = (): Promise<{ default: (context: unknown) => Promise<void> }> =>
    import(pathToFileURL(join(root, 'build', 'after-pack.mjs')).href) as Promise<{
      default: (context: unknown) => Promise<void>;
    }>;
  const linuxContext = (appOutDir: string) => ({
    appOutDir,
    electronPlatformName: 'linux',
    arch: 1,
    packager: { executableName: 'afterword', appInfo: { productFilename: 'Afterword' } },
  });

  it('flips the packed Linux executable and reads it back', async () => {
    const appOutDir = join(dir, 'linux-unpacked');
    mkdirSync(appOutDir);
    writeFileSync(join(appOutDir, 'afterword'), syntheticBinary());
    await (await hook()).default(linuxContext(appOutDir));
    expect(await fuseMismatches(join(appOutDir, 'afterword'))).toEqual([]);
  });

  it('stops the build when the executable is not where electron-builder packs it', async () => {
    await expect((await hook()).default(linuxContext(join(dir, 'nowhere')))).rejects.toThrow(/ENOENT/);
    await expect((await hook()).default({ ...linuxContext(dir), electronPlatformName: 'freebsd' })).rejects.toThrow(
      /freebsd/,
    );
  });
});
