// krew-manifest.yaml is the template of the krew index entry: one platform per release archive. The release
// fills in the version, each archive's download address and its sha256; platforms not built are left out.
import { archiveName, targetName, type Target } from './targets.js';

export interface KrewPlatform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
  bin: string;
  files: { from: string; to: string }[];
}

export interface KrewManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { version: string; platforms: KrewPlatform[]; [field: string]: unknown };
}

/** Where a release's archives are downloaded from. */
export const releaseUrl = (version: string, archive: string) =>
  `https://github.com/kubectl-sa/kubectl-sa/releases/download/v${version}/${archive}`;

export function fillKrewManifest(
  template: KrewManifest,
  version: string,
  built: readonly { readonly target: Target; readonly archive: string; readonly sha256: string }[],
): KrewManifest {
  const platforms = built.map(({ target, archive, sha256 }) => {
    const entry = template.spec.platforms.find(
      (platform) => platform.selector.matchLabels.os === target.os && platform.selector.matchLabels.arch === target.arch,
    );
    if (!entry) throw new Error(`krew-manifest.yaml has no platform entry for ${targetName(target)}`);
    if (archive !== archiveName(version, target)) throw new Error(`unexpected archive name ${archive}`);
    return { ...entry, uri: releaseUrl(version, archive), sha256 };
  });
  return { ...template, spec: { ...template.spec, version: `v${version}`, platforms } };
}
