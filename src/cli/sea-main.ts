import path from 'node:path';
import { getAsset, getAssetKeys, getRawAsset } from 'node:sea';
import { loadProgram, SEA_ASSETS } from './sea-program.js';

/**
 * The standalone binary's main script (a Node single executable application): it runs the program kept in the
 * binary's assets (src/cli/sea-program.ts). Its root is the binary's folder; `require` is Node's in a single
 * executable, which serves Node's own modules only, as the program expects.
 */
const codeCache = getAssetKeys().includes(SEA_ASSETS.codeCache) ? new Uint8Array(getRawAsset(SEA_ASSETS.codeCache)) : undefined;
const { program } = loadProgram(getAsset(SEA_ASSETS.program, 'utf8'), codeCache, require);
program.runAsProgram(path.dirname(process.execPath));
