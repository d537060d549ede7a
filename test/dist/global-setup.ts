// Builds the release artifacts the dist tests check (npm run package, from the bundle `npm run build` just
// made) and krew, from the Go module proxy, unless current. .ci/run installs krew beforehand too.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { krewBinary, KREW_VERSION, releaseDir, repoRoot } from './release.js';

export default function setup(): void {
  ensureKrew();
  ensurePackage();
}

function ensureKrew(): void {
  if (existsSync(krewBinary)) return;
  process.stderr.write(`dist tests: building krew ${KREW_VERSION} from the Go module proxy into .tools/bin (once; a few minutes) ...\n`);
  execFileSync('go', ['install', `sigs.k8s.io/krew/cmd/krew@${KREW_VERSION}`], {
    env: { ...process.env, GOBIN: path.dirname(krewBinary), PATH: `/usr/local/go/bin${path.delimiter}${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Repackages when the bundle or the packaging code changed since .dist/ was written. */
function ensurePackage(): void {
  const stamp = path.join(releaseDir, '.inputs');
  const inputs = createHash('sha256');
  for (const file of [
    'dist/kubectl-sa.js',
    'dist/kubectl-sa.cjs',
    'dist/sea-main.cjs',
    'dist/npm-main.js',
    'bin/kubectl-sa',
    'dist/THIRD-PARTY-NOTICES.txt',
    'package.json',
    'LICENSE',
    'krew-manifest.yaml',
    ...readdirSync(path.join(repoRoot, 'scripts', 'release')).map((name) => `scripts/release/${name}`),
    'scripts/package.ts',
  ]) {
    inputs.update(file).update(readFileSync(path.join(repoRoot, file)));
  }
  const digest = inputs.digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  process.stderr.write('dist tests: npm run package (every platform) ...\n');
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/package.ts', '--no-build'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  writeFileSync(stamp, digest);
}
