import path from 'node:path';
import { getAssetKeys, getRawAsset } from 'node:sea';
import { loadProgram, programText, SEA_ASSETS, startCodeCacheFor } from './sea-program.js';

/**
 * The standalone binary's main script (a Node single executable application): it runs the program kept in the
 * binary's assets (src/cli/sea-program.ts). Its root is the binary's folder; `require` is Node's in a single
 * executable, which serves Node's own modules only, as the program expects.
 */
const cacheKey = startCodeCacheFor(process.argv.slice(2));
const codeCache = getAssetKeys().includes(cacheKey) ? new Uint8Array(getRawAsset(cacheKey)) : undefined;
const { program } = loadProgram(programText(getRawAsset(SEA_ASSETS.program)), codeCache, require);
program.runAsProgram(path.dirname(process.execPath));
