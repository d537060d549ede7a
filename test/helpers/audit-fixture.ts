import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { repoRoot } from './cli.js';

/**
 * The audit log a real kube-apiserver (the test harness) wrote while test/helpers/audit-replay.ts played
 * its script in namespace `shop` (recorded by test/fixtures/audit/record.ts), and the objects it made.
 */
export const harnessLogPath = path.join(repoRoot, 'test', 'fixtures', 'audit', 'harness-shop.log.gz');
export const harnessObjectsPath = path.join(repoRoot, 'test', 'fixtures', 'audit', 'shop.yaml');

export function harnessLogText(): string {
  return gunzipSync(readFileSync(harnessLogPath)).toString('utf8');
}

export interface LoggedEvent {
  readonly auditID: string;
  readonly stage: string;
  readonly verb: string;
  readonly user: { readonly username: string };
  readonly objectRef?: { readonly resource?: string; readonly namespace?: string; readonly name?: string };
  readonly annotations?: Record<string, string>;
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
}

/** The harness log's events, parsed here independently of the product's reader (a test oracle). */
export function harnessEvents(): LoggedEvent[] {
  return harnessLogText()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoggedEvent);
}

/** A fresh temporary folder for files a test writes. */
export function scratchDir(prefix = 'kubectl-sa-audit-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeScratch(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}
