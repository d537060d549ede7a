import { realpathSync } from 'node:fs';
import path from 'node:path';
import { isSea } from 'node:sea';
import { main } from './main.js';

/**
 * The program's entry: what the bundle (dist/kubectl-sa.js) and the standalone binaries run. As a
 * standalone binary its root is the binary's folder; from the npm package or a clone it is the package
 * (bin/kubectl-sa and bin/run.js live one folder down).
 */
const root = isSea() ? path.dirname(process.execPath) : path.dirname(path.dirname(realpathSync(process.argv[1] ?? process.execPath)));
// kubectl runs us as `kubectl sa`; `node bin/run.js` (development, tests) sets `kubectl-sa`.
const displayName = process.env.KUBECTL_SA_DISPLAY_NAME || 'kubectl sa';
// No top-level await: Node warns about an "unsettled top-level await" when a pipe closes early.
void main(process.argv.slice(2), { root, displayName }).then((code) => {
  process.exitCode = code;
});
