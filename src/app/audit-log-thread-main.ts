/**
 * The program a thread reading part of an audit log runs (scripts/build.ts builds it on its own and carries it
 * inside the bundle; src/app/program-threads.ts starts it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runAuditLogThread, type AuditLogThreadJob } from './audit-log-thread.js';

if (!parentPort) throw new Error('the audit log thread program runs only as a worker thread');
void runAuditLogThread((workerData as { job: AuditLogThreadJob }).job, parentPort);
