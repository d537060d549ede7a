#!/usr/bin/env node
// The plain entry for development and tests, `node bin/run.js <command>`: help and usage say `kubectl-sa`.
// kubectl runs bin/kubectl-sa instead (or the standalone binary), where they say `kubectl sa`.
process.env.KUBECTL_SA_DISPLAY_NAME ||= 'kubectl-sa';
await import('../dist/kubectl-sa.js');
