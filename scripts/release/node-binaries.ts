// Node binaries for every target, from the npm registry's node-<os>-<arch> packages, fetched with npm itself
// (which checks each tarball against the registry's integrity hash) and kept in .tools/node-dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { NODE_VERSION, type Target } from './targets.js';

export interface NodeBinary {
  /** The unpacked package: bin/node (or bin/node.exe), and for most platforms LICENSE. */
  readonly folder: string;
  readonly binary: string;
}

export function nodeBinary(target: Target, cacheRoot: string, log: (line: string) => void): NodeBinary {
  const folder = path.join(cacheRoot, NODE_VERSION, target.nodePackage);
  const binary = path.join(folder, target.nodeBinary);
  if (!existsSync(binary)) {
    log(`fetching ${target.nodePackage}@${NODE_VERSION} from the npm registry`);
    const work = mkdtempSync(path.join(cacheRoot, '.fetch-'));
    try {
      // `npm pack` downloads without installing: these packages refuse to install on another platform.
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      execFileSync(npm, ['pack', `${target.nodePackage}@${NODE_VERSION}`, '--pack-destination', work, '--silent'], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
      if (!tarball) throw new Error(`npm pack ${target.nodePackage}@${NODE_VERSION} wrote no tarball`);
      execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work]);
      mkdirSync(path.dirname(folder), { recursive: true });
      rmSync(folder, { recursive: true, force: true });
      renameSync(path.join(work, 'package'), folder);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { folder, binary };
}
