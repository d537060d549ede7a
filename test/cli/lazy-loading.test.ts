import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * What every start of kubectl sa evaluates: the modules reached from the bundle's entry by static imports
 * (and by CommonJS require, counted as eager too), from esbuild's metafile of the build. Modules reached only
 * through `await import()` are wrapped lazily by esbuild and run when that line runs; Node's own modules are
 * required where their importer runs (scripts/build.ts), so they appear here as `lazy-builtin:node:…` inputs.
 */
interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}

const metafile = JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'kubectl-sa.meta.json'), 'utf8')) as Metafile;

/** Each eagerly evaluated input, with the chain of imports that brings it in from the entry. */
function eagerInputs(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.external || (imported.kind !== 'import-statement' && imported.kind !== 'require-call')) continue;
      if (chains.has(imported.path)) continue;
      chains.set(imported.path, [...chains.get(input)!, imported.path]);
      queue.push(imported.path);
    }
  }
  return chains;
}

const eager = eagerInputs('src/cli/entry.ts');

/** What only some commands need, and so must be imported with `await import()` inside their run(). */
const heavy: { what: string; matches: (input: string) => boolean }[] = [
  { what: 'the Kubernetes client', matches: (input) => input.includes('node_modules/@kubernetes/client-node/') },
  { what: 'undici (under the Kubernetes client)', matches: (input) => input.includes('node_modules/undici/') },
  { what: 'our cluster client', matches: (input) => /^src\/sources\/cluster\/(api-client|kubeconfig|connect)\.ts$/.test(input) },
  { what: 'Ink', matches: (input) => /node_modules\/(ink|yoga-layout)\//.test(input) },
  { what: 'React', matches: (input) => /node_modules\/react(-reconciler)?\//.test(input) },
  { what: 'JOSE', matches: (input) => input.includes('node_modules/jose/') },
  { what: "Node's HTTP, TLS and crypto stack", matches: (input) => /^lazy-builtin:node:(https?|http2|tls|net|crypto|zlib)$/.test(input) },
];

describe('what every start loads (dist/kubectl-sa.meta.json)', () => {
  it('starts from the entry and reaches oclif and the command list', () => {
    expect(eager.has('src/commands/index.ts')).toBe(true);
    expect([...eager.keys()].some((input) => input.includes('node_modules/@oclif/core/'))).toBe(true);
  });

  it.each(heavy.map((entry) => [entry.what, entry]))('never loads %s at start', (_what, { what, matches }) => {
    const found = [...eager.entries()].filter(([input]) => matches(input));
    const shown = found.slice(0, 3).map(([, chain]) => chain.join('\n    → '));
    expect(shown, `${what} is imported statically; import it with await import() where it is used:\n  ${shown.join('\n  ')}`).toEqual([]);
  });
});
