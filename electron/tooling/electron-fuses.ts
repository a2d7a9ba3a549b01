// The packaged Electron binary's fuses: flipped once after packing (build/after-pack.cjs), then
// read back from the file, so a fuse that did not take fails the build instead of shipping.
import fuses from '@electron/fuses';
import fuseConstants from '@electron/fuses/dist/constants.js';

const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = fuses;
/** The bytes of a fuse wire (ASCII '0', '1', 'r'); not re-exported by the package's index. */
const { FuseState } = fuseConstants;

/** The fuse settings a release must carry, by FuseV1Options name. */
export const REQUIRED_FUSES = {
  /** No ELECTRON_RUN_AS_NODE: the app cannot be turned into a plain Node that reads the vault. */
  RunAsNode: false,
  EnableCookieEncryption: true,
  /** No NODE_OPTIONS (--require of foreign code) and no --inspect debugger on the app. */
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  /** The app.asar is checked against the hash the builder embeds, and only the asar is loaded. */
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
} as const satisfies Partial<Record<keyof typeof FuseV1Options, boolean>>;

type FuseName = keyof typeof REQUIRED_FUSES;

export class FuseMismatchError extends Error {
  constructor(
    readonly binary: string,
    readonly mismatches: string[],
  ) {
    super(`the fuses of ${binary} did not flip as required: ${mismatches.join('; ')}`);
    this.name = 'FuseMismatchError';
  }
}

const NAMES = Object.keys(REQUIRED_FUSES) as FuseName[];

function stateName(state: number | undefined): string {
  if (state === FuseState.ENABLE) return 'on';
  if (state === FuseState.DISABLE) return 'off';
  if (state === FuseState.REMOVED) return 'removed';
  return state === undefined ? 'missing from the wire' : `unknown state ${state}`;
}

/** What differs between the binary's fuse wire and REQUIRED_FUSES, in words (empty: all as required). */
export async function fuseMismatches(binary: string): Promise<string[]> {
  const wire = (await getCurrentFuseWire(binary)) as Record<string | number, unknown>;
  if (wire.version !== FuseVersion.V1) return [`fuse wire version ${String(wire.version)}, expected ${FuseVersion.V1}`];
  const mismatches: string[] = [];
  for (const name of NAMES) {
    const want = REQUIRED_FUSES[name] ? FuseState.ENABLE : FuseState.DISABLE;
    const have = wire[FuseV1Options[name]] as number | undefined;
    if (have !== want) mismatches.push(`${name} is ${stateName(have)}, must be ${stateName(want)}`);
  }
  return mismatches;
}

/**
 * Flips REQUIRED_FUSES in the Electron binary (for macOS: the .app bundle path), then reads them
 * back and throws FuseMismatchError if any is not as required. `resetAdHocDarwinSignature` is for
 * macOS arm64 builds, whose ad-hoc signature the flip invalidates. `flip` replaces the writer (tests).
 */
export async function flipAndVerifyFuses(
  binary: string,
  options: { resetAdHocDarwinSignature?: boolean; flip?: typeof flipFuses } = {},
): Promise<void> {
  const config: Record<string | number, unknown> = {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: Boolean(options.resetAdHocDarwinSignature),
  };
  for (const name of NAMES) config[FuseV1Options[name]] = REQUIRED_FUSES[name];
  await (options.flip ?? flipFuses)(binary, config as unknown as Parameters<typeof flipFuses>[1]);
  const mismatches = await fuseMismatches(binary);
  if (mismatches.length > 0) throw new FuseMismatchError(binary, mismatches);
}
