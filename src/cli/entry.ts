import { realpathSync } from 'node:fs';
import path from 'node:path';
import { runAsProgram } from './main.js';

/**
 * The bundle's entry (dist/kubectl-sa.js), which the npm package runs through bin/kubectl-sa and a clone through
 * bin/run.js: its root is the package, one folder above them. The standalone binaries start at sea-main.ts.
 */
runAsProgram(path.dirname(path.dirname(realpathSync(process.argv[1] ?? process.execPath))));
