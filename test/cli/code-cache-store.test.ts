import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheFolder, codeCacheName, commandWords, readCodeCache, writeCodeCache } from '../../src/cli/code-cache-store.js';
import { COMMANDS } from '../../src/commands/index.js';

const key = 'digest-nodev24.0.0-x64';

describe('where the npm route keeps its code caches', () => {
  it("uses the user's cache folder of each platform, under kubectl-sa/code-cache/KEY", () => {
    expect(codeCacheFolder({}, 'linux', '/home/ann', key)).toBe(`/home/ann/.cache/kubectl-sa/code-cache/${key}`);
    expect(codeCacheFolder({ XDG_CACHE_HOME: '/var/cache/ann' }, 'linux', '/home/ann', key)).toBe(
      `/var/cache/ann/kubectl-sa/code-cache/${key}`,
    );
    // The XDG specification: a relative path is invalid and is ignored.
    expect(codeCacheFolder({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ann', key)).toBe(`/home/ann/.cache/kubectl-sa/code-cache/${key}`);
    expect(codeCacheFolder({}, 'darwin', '/Users/ann', key)).toBe(`/Users/ann/Library/Caches/kubectl-sa/code-cache/${key}`);
    expect(codeCacheFolder({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32', 'C:\\Users\\ann', key)).toBe(
      `C:\\Users\\ann\\AppData\\Local\\kubectl-sa\\code-cache\\${key}`,
    );
  });

  it('keeps none without a home, or where the user turned compile caches off', () => {
    expect(codeCacheFolder({}, 'linux', undefined, key)).toBeUndefined();
    expect(codeCacheFolder({}, 'linux', '', key)).toBeUndefined();
    expect(codeCacheFolder({}, 'win32', 'C:\\Users\\ann', key)).toBeUndefined();
    expect(codeCacheFolder({ NODE_DISABLE_COMPILE_CACHE: '1' }, 'linux', '/home/ann', key)).toBeUndefined();
    expect(codeCacheFolder({ KUBECTL_SA_NO_CODE_CACHE: '1' }, 'linux', '/home/ann', key)).toBeUndefined();
    // Never a shared folder such as /tmp in their place.
    expect(codeCacheFolder({ XDG_CACHE_HOME: 'x' }, 'linux', undefined, key)).toBeUndefined();
  });

  it('keeps one cache per command, one for version and help, whatever the flags and their places', () => {
    expect(codeCacheName(['scan', '-f', 'x.yaml'])).toBe('scan');
    expect(codeCacheName(['-A', 'who-can', 'create', 'pods'])).toBe('who-can');
    expect(codeCacheName(['version'])).toBe('start');
    expect(codeCacheName(['--version'])).toBe('start');
    expect(codeCacheName(['help', 'scan'])).toBe('start');
    expect(codeCacheName(['scan', '--help'])).toBe('start');
    expect(codeCacheName(['scan', '-h'])).toBe('start');
    expect(codeCacheName([])).toBe('default');
    // Only a command's word names a file: not a flag's value, a namespace or a path.
    expect(codeCacheName(['-n', 'shop', 'scan'])).toBe('scan');
    expect(codeCacheName(['--namespace', 'team-a', 'who-can', 'get', 'pods'])).toBe('who-can');
    expect(codeCacheName(['-f', 'examples/'])).toBe('default');
    expect(codeCacheName(['../../etc/passwd'])).toBe('default');
    expect(codeCacheName(['Scan'])).toBe('default');
  });

  it('knows every command of kubectl sa by its first word', () => {
    expect([...commandWords].sort()).toEqual([...new Set(Object.keys(COMMANDS).map((id) => id.split(':')[0]))].sort());
  });
});

describe('reading and writing a code cache', () => {
  const folder = () => {
    const made = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-code-cache-')), 'key');
    mkdirSync(made, { mode: 0o700 });
    return made;
  };

  it('keeps the folders of the two newest other programs when a new program makes its own, and no more', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-code-cache-'));
    const day = 86_400;
    const now = Date.now() / 1000;
    for (const [name, age] of [
      ['old', 9],
      ['older', 10],
      ['recent', 1],
      ['newer', 2],
    ] as const) {
      mkdirSync(path.join(parent, name, 'inner'), { recursive: true });
      writeFileSync(path.join(parent, name, 'scan.v8-cache'), 'x');
      utimesSync(path.join(parent, name), now - age * day, now - age * day);
    }
    expect(writeCodeCache(path.join(parent, 'current', 'scan.v8-cache'), Buffer.from('cache'))).toBe(true);
    expect(readdirSync(parent).sort()).toEqual(['current', 'newer', 'recent']);
    // A program writing into its existing folder removes nothing.
    mkdirSync(path.join(parent, 'another'));
    expect(writeCodeCache(path.join(parent, 'current', 'who-can.v8-cache'), Buffer.from('cache'))).toBe(true);
    expect(readdirSync(parent).sort()).toEqual(['another', 'current', 'newer', 'recent']);
  });

  it('writes it whole, readable and writable by the user only, and reads it back', () => {
    const file = path.join(folder(), 'nested', 'scan.v8-cache');
    expect(writeCodeCache(file, Buffer.from('cache'))).toBe(true);
    expect(readCodeCache(file)?.toString()).toBe('cache');
    expect(readdirSync(path.dirname(file))).toEqual(['scan.v8-cache']);
  });

  it('reads nothing that another user could have written: a group- or world-writable file or folder', () => {
    const at = folder();
    const file = path.join(at, 'scan.v8-cache');
    writeFileSync(file, 'cache', { mode: 0o600 });
    expect(readCodeCache(file)?.toString()).toBe('cache');
    chmodSync(file, 0o620);
    expect(readCodeCache(file)).toBeUndefined();
    chmodSync(file, 0o600);
    chmodSync(at, 0o777);
    expect(readCodeCache(file)).toBeUndefined();
    expect(readCodeCache(path.join(at, 'missing.v8-cache'))).toBeUndefined();
  });

  it('writes nothing, silently, where it cannot (a cache folder that is not a folder)', () => {
    const at = folder();
    const notAFolder = path.join(at, 'file');
    writeFileSync(notAFolder, '');
    expect(writeCodeCache(path.join(notAFolder, 'code-cache', 'scan.v8-cache'), Buffer.from('cache'))).toBe(false);
    expect(readdirSync(at)).toEqual(['file']);
    expect(existsSync(path.join(notAFolder, 'code-cache'))).toBe(false);
  });
});
