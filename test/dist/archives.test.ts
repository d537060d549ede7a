import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeExecutable, SEA_FUSE_ON } from '../../scripts/release/executable-format.js';
import { releaseUrl } from '../../scripts/release/krew-manifest.js';
import { archiveName, TARGETS, targetName, type Target } from '../../scripts/release/targets.js';
import { releaseDir, releaseManifest, repoRoot, version } from './release.js';

/**
 * Every platform's archive, read with the system's own tar and Python's zipfile (not our writer), and its
 * executable's headers: the right format and architecture, the bundle injected, nothing stale of Node's signature.
 * Only linux/amd64 can run here (test/dist/krew-install.test.ts); the others are checked for structure.
 */
const manifest = releaseManifest();
const bundleMarker = 'KUBECTL_SA_DISPLAY_NAME';

/** The archive's members as `mode name`, listed by an independent reader. */
function members(file: string, target: Target): string[] {
  if (target.archive === 'zip') {
    const script = 'import sys, zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(oct(i.external_attr >> 16), i.filename)';
    return execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }).trim().split('\n');
  }
  return execFileSync('tar', ['-tvzf', file], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.split(/\s+/);
      return `${fields[0]} ${fields[fields.length - 1]}`;
    });
}

function member(file: string, target: Target, name: string): Buffer {
  if (target.archive === 'zip') {
    const script = 'import sys, zipfile\nsys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))';
    return execFileSync('python3', ['-c', script, file, name], { maxBuffer: 512 * 1024 * 1024 });
  }
  return execFileSync('tar', ['-xzOf', file, name], { maxBuffer: 512 * 1024 * 1024 });
}

describe.each(TARGETS.map((target) => [targetName(target), target] as const))('the %s release', (_name, target) => {
  const file = path.join(releaseDir, archiveName(version, target));

  it('is an archive named for the version and platform, holding the binary, LICENSE and the third-party notices', () => {
    expect(existsSync(file), file).toBe(true);
    const listed = members(file, target);
    if (target.archive === 'zip') {
      expect(listed).toEqual([`0o100755 ${target.executable}`, '0o100644 LICENSE', '0o100644 THIRD-PARTY-NOTICES.txt']);
    } else {
      expect(listed).toEqual([`-rwxr-xr-x ${target.executable}`, '-rw-r--r-- LICENSE', '-rw-r--r-- THIRD-PARTY-NOTICES.txt']);
    }
    expect(member(file, target, 'LICENSE').equals(readFileSync(path.join(repoRoot, 'LICENSE')))).toBe(true);
    const notices = member(file, target, 'THIRD-PARTY-NOTICES.txt').toString();
    expect(notices).toContain('@oclif/core');
    expect(notices).toMatch(/Node\.js \d+\.\d+\.\d+ \(the runtime inside/);
  });

  it(`holds a ${target.os}/${target.arch} executable with the bundle injected`, () => {
    const binary = member(file, target, target.executable);
    const info = describeExecutable(binary);
    expect(info.format).toBe({ linux: 'elf', darwin: 'macho', windows: 'pe' }[target.os]);
    expect(info.arch).toBe(target.arch);
    expect(binary.includes(SEA_FUSE_ON)).toBe(true);
    expect(binary.includes(bundleMarker)).toBe(true);
    if (target.os === 'darwin') {
      // Node's --build-sea drops the signature the injection breaks (macOS would kill a binary with a stale one).
      expect(info.codeSignature).toBe(false);
      expect(info.segments).toContain('NODE_SEA');
    }
    if (target.os === 'windows') expect(info.certificateTable).toBe(false);
  }, 60_000);

  it('is in the release manifest with its address, sha256 and executable', () => {
    const entry = manifest.spec.platforms.find(
      (platform) => platform.selector.matchLabels.os === target.os && platform.selector.matchLabels.arch === target.arch,
    );
    expect(entry).toBeDefined();
    expect(entry!.uri).toBe(releaseUrl(version, archiveName(version, target)));
    expect(entry!.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(entry!.bin).toBe(target.executable);
    expect(entry!.files.map((copied) => copied.from).sort()).toEqual(['LICENSE', 'THIRD-PARTY-NOTICES.txt', target.executable].sort());
  });
});

describe('the release manifest', () => {
  it('has package.json’s version and one platform per archive, nothing more', () => {
    expect(manifest.spec.version).toBe(`v${version}`);
    expect(manifest.spec.platforms.map((platform) => `${platform.selector.matchLabels.os}/${platform.selector.matchLabels.arch}`)).toEqual(
      TARGETS.map(targetName),
    );
  });
});
