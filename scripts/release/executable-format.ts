// What kind of executable a file is, read from its headers: enough to check that each release archive
// holds the right binary for its platform, and to drop the Authenticode table that injecting the SEA blob
// leaves pointing at nothing in node.exe.

export type ExecutableFormat = 'elf' | 'macho' | 'pe';
export type Architecture = 'amd64' | 'arm64' | 'other';

export interface ExecutableInfo {
  readonly format: ExecutableFormat;
  readonly arch: Architecture;
  /** Mach-O: an LC_CODE_SIGNATURE load command (a signature the injection made stale would get the binary killed). */
  readonly codeSignature?: boolean;
  /** PE: the Security data directory (Authenticode) is set. */
  readonly certificateTable?: boolean;
  /** Mach-O: the segments, by name (the SEA blob lives in NODE_SEA). */
  readonly segments?: readonly string[];
}

/** The fuse Node flips from :0 to :1 when a single executable application's blob is injected. */
export const SEA_FUSE_ON = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1';

export function describeExecutable(bytes: Buffer): ExecutableInfo {
  if (bytes.readUInt32BE(0) === 0x7f454c46) return describeElf(bytes);
  if (bytes.readUInt32LE(0) === 0xfeedfacf) return describeMachO(bytes);
  if (bytes.readUInt16LE(0) === 0x5a4d) return describePe(bytes);
  throw new Error('not an ELF, 64-bit Mach-O or PE executable');
}

function describeElf(bytes: Buffer): ExecutableInfo {
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error('ELF: not 64-bit little-endian');
  const machine = bytes.readUInt16LE(18);
  return { format: 'elf', arch: machine === 62 ? 'amd64' : machine === 183 ? 'arm64' : 'other' };
}

function describeMachO(bytes: Buffer): ExecutableInfo {
  const cpuType = bytes.readInt32LE(4);
  const commands = bytes.readUInt32LE(16);
  const segments: string[] = [];
  let codeSignature = false;
  let offset = 32;
  for (let index = 0; index < commands; index++) {
    const command = bytes.readUInt32LE(offset);
    if (command === 0x19) segments.push(bytes.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, '')); // LC_SEGMENT_64
    if (command === 0x1d) codeSignature = true; // LC_CODE_SIGNATURE
    offset += bytes.readUInt32LE(offset + 4);
  }
  const arch = cpuType === 0x01000007 ? 'amd64' : cpuType === 0x0100000c ? 'arm64' : 'other';
  return { format: 'macho', arch, codeSignature, segments };
}

/** The offset of the PE optional header's data directories (PE32+ only: every target here is 64-bit). */
function peDataDirectories(bytes: Buffer): number {
  const pe = bytes.readUInt32LE(0x3c);
  if (bytes.readUInt32BE(pe) !== 0x50450000) throw new Error('PE: no PE signature');
  const optional = pe + 24;
  if (bytes.readUInt16LE(optional) !== 0x20b) throw new Error('PE: not PE32+');
  return optional + 112;
}

function describePe(bytes: Buffer): ExecutableInfo {
  const machine = bytes.readUInt16LE(bytes.readUInt32LE(0x3c) + 4);
  const security = peDataDirectories(bytes) + 4 * 8;
  return {
    format: 'pe',
    arch: machine === 0x8664 ? 'amd64' : machine === 0xaa64 ? 'arm64' : 'other',
    certificateTable: bytes.readUInt32LE(security) !== 0 || bytes.readUInt32LE(security + 4) !== 0,
  };
}

/**
 * Clears the Security data directory of a PE file. node.exe is signed; the injected resource section moves
 * what the entry pointed at, so it would name garbage (a broken signature) rather than no signature.
 */
export function withoutPeCertificateTable(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const security = peDataDirectories(copy) + 4 * 8;
  copy.writeUInt32LE(0, security);
  copy.writeUInt32LE(0, security + 4);
  return copy;
}
