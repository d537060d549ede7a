import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every path and link the documentation and the user-facing hints name must exist: a Markdown link to a file
 * (and the heading its #anchor names), a repository path quoted in `code`, a path in an error hint or a
 * schema description. External links are not fetched (tests reach nothing but loopback).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The repository's tracked files: docs of generated or ignored files (dist/, .bench/) are not checked. */
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
const trackedSet = new Set(tracked);
const topLevel = new Set(tracked.map((file) => file.split('/')[0] ?? file));
/** Made by a command the docs tell the user to run first, or by the test setup: named, never tracked. */
const generated = /^(dist|\.dist|\.bench|\.tools|node_modules|coverage)(\/|$)|^test\/apiserver\/\.(bin|run)(\/|$)|\.tsbuildinfo$/;

const documents = tracked.filter((file) => file.endsWith('.md') && !file.startsWith('test/fixtures/'));

function existsInRepository(relative: string): boolean {
  const clean = relative.replace(/\/$/, '');
  if (clean.startsWith('(any folder)/')) return false; // a bare name that no tracked file carries
  if (generated.test(clean)) return true;
  if (clean.includes('*')) {
    const pattern = new RegExp(
      `^${clean
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*/g, '.+')
        .replace(/\*/g, '[^/]+')}$`,
    );
    return tracked.some((file) => pattern.test(file) || pattern.test(path.dirname(file)));
  }
  return trackedSet.has(clean) || tracked.some((file) => file.startsWith(`${clean}/`));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*$/.exec(line);
    if (!heading?.[1]) continue;
    const slug = heading[1]
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let candidate = slug;
    for (let n = 1; anchors.has(candidate); n += 1) candidate = `${slug}-${n}`;
    anchors.add(candidate);
  }
  return anchors;
}

interface Reference {
  readonly where: string;
  readonly target: string;
}

function markdownReferences(file: string): { links: Reference[]; paths: Reference[] } {
  const text = readFileSync(path.join(root, file), 'utf8');
  const links: Reference[] = [];
  const paths: Reference[] = [];
  text.split('\n').forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ where, target });
    }
    for (const match of line.matchAll(/`([^`\s]+)`/g)) paths.push(...repositoryPaths(match[1] ?? '', where));
  });
  return { links, paths };
}

const trackedNames = new Set(tracked.map((file) => path.posix.basename(file)));

/**
 * Repository paths in a piece of text: tokens that start with a top-level entry of this repository, and bare
 * names of our own kinds of files (`exemptions-file.ts`, `policies.md`), which some tracked file must carry.
 */
function repositoryPaths(text: string, where: string): Reference[] {
  const found: Reference[] = [];
  for (const match of text.matchAll(/(?<![\w./-])([\w-]+(?:\.[\w-]+)*\.(?:tsx?|md))(?![\w/])/g)) {
    const name = match[1] ?? '';
    if (!trackedNames.has(name)) found.push({ where, target: `(any folder)/${name}` });
  }
  for (const match of text.matchAll(/(?<![\w./-])(\.?[\w-]+(?:\.[\w-]+)?)(\/[\w.*/-]*)?(?![\w/])/g)) {
    const head = match[1] ?? '';
    const rest = (match[2] ?? '').replace(/[.:,;]+$/, '');
    if (!topLevel.has(head) || (rest === '' && !head.includes('.'))) continue;
    if (rest === '' && !trackedSet.has(head)) continue;
    found.push({ where, target: `${head}${rest}` });
  }
  return found;
}

/** User-facing strings in the code: hints, help text, schema descriptions, and the shell entry's messages. */
function codeReferences(): Reference[] {
  const files = tracked.filter((file) => /^(src\/.*\.tsx?|bin\/.*|policies\/.*\.(json|ya?ml)|scripts\/.*\.sh)$/.test(file));
  return files.flatMap((file) =>
    readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .flatMap((line, index) => {
        const strings = [...line.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`|#\s(.*)$|\/\/\s(.*)$|\*\s(.*)$/g)].map(
          (m) => m.slice(1).find(Boolean) ?? '',
        );
        return strings.flatMap((text) => repositoryPaths(text, `${file}:${index + 1}`));
      }),
  );
}

describe('documents name only what exists', () => {
  it('finds the documents', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/ARCHITECTURE.md']));
  });

  it.each(documents.map((file) => [file]))('%s: links to files and headings that exist', (file) => {
    const broken = markdownReferences(file).links.filter(({ target }) => {
      const [linkPath = '', anchor] = target.split('#');
      const resolved = linkPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), linkPath));
      if (linkPath !== '' && !existsInRepository(resolved)) return true;
      if (anchor === undefined || !resolved.endsWith('.md')) return false;
      return !anchorsOf(readFileSync(path.join(root, resolved), 'utf8')).has(decodeURIComponent(anchor));
    });
    expect(broken).toEqual([]);
  });

  it.each(documents.map((file) => [file]))('%s: repository paths in `code` exist', (file) => {
    // A README in a subfolder may name paths from its own folder (test/apiserver/README.md: `scripts/build.sh`).
    const folder = path.posix.dirname(file);
    const missing = markdownReferences(file).paths.filter(
      ({ target }) => !existsInRepository(target) && !(folder !== '.' && existsInRepository(`${folder}/${target}`)),
    );
    expect(missing).toEqual([]);
  });

  it('hints, help and schema texts name repository paths that exist', () => {
    expect(codeReferences().filter(({ target }) => !existsInRepository(target))).toEqual([]);
  });

  it('the test itself can fail: a made-up path and anchor are caught', () => {
    expect(existsInRepository('docs/no-such-page.md')).toBe(false);
    expect(anchorsOf('# Exit codes\n## `kubectl sa` in CI\n').has('kubectl-sa-in-ci')).toBe(true);
    expect(repositoryPaths('see scripts/node-env.sh, docs/nope.md and nope.ts', 'x').map(({ target }) => target)).toEqual([
      '(any folder)/nope.ts',
      'scripts/node-env.sh',
      'docs/nope.md',
    ]);
    expect(existsSync(root) && statSync(root).isDirectory() && readdirSync(root).length > 0).toBe(true);
  });
});
