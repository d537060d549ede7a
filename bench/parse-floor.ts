// The parse-only floor: a whole Node process that reads a manifest file and parses it with js-yaml, and
// nothing else. Every scan figure is reported beside this one, measured in the same run.
//
//   node bench/parse-floor.ts FILE
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/parse-floor.ts FILE');
const documents = loadAll(readFileSync(file, 'utf8'));
process.stdout.write(`${documents.length} documents\n`);
