#!/usr/bin/env node
// The plain oclif entry: `node bin/run.js <command>`. kubectl finds bin/kubectl-sa instead.
import { fileURLToPath } from 'node:url';
import { main } from '../dist/cli/main.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const displayName = process.env.KUBECTL_SA_DISPLAY_NAME || 'kubectl-sa';
process.exitCode = await main(process.argv.slice(2), { root, displayName });
