import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import type { StoredCookies } from './cookie-store';
import { EncryptedFileCookieStore } from './encrypted-file-cookie-store';

const SESSION: StoredCookies = {
  cookies: [
    { name: 'MSISAuth', value: 'secret-cookie-value-1', expiresAt: 4_102_444_800_000 },
    { name: 'MSISAuth1', value: 'secret-cookie-value-2' },
  ],
  savedAt: 1_700_000_000_000,
};

let folder: string;
let path: string;
const key = randomBytes(32);

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cdms-cookie-store-'));
  path = join(folder, 'nested', 'session.bin');
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

describe('EncryptedFileCookieStore', () => {
  it('round-trips a session through an encrypted file with mode 0600 and no leftovers', async () => {
    const store = new EncryptedFileCookieStore({ path, key });
    expect(await store.load()).toBeUndefined();
    await store.save(SESSION);

    expect(await new EncryptedFileCookieStore({ path, key }).load()).toEqual(SESSION);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(folder, 'nested'))).toEqual(['session.bin']);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 7)).toEqual(Buffer.from([...Buffer.from('CDMSCK'), 1]));
    expect(bytes.toString('latin1')).not.toContain('secret-cookie-value');
    expect(bytes.toString('latin1')).not.toContain('MSISAuth');
  });

  it('uses a fresh IV on every save', async () => {
    const store = new EncryptedFileCookieStore({ path, key });
    await store.save(SESSION);
    const first = await readFile(path);
    await store.save(SESSION);
    const second = await readFile(path);
    expect(first.equals(second)).toBe(false);
    expect(await store.load()).toEqual(SESSION);
  });

  it('replaces the previous session and clears it', async () => {
    const store = new EncryptedFileCookieStore({ path, key });
    await store.save(SESSION);
    const next = { cookies: [{ name: 'MSISAuth', value: 'newer' }], savedAt: 1 };
    await store.save(next);
    expect(await store.load()).toEqual(next);
    await store.clear();
    expect(await exists(path)).toBe(false);
    expect(await store.load()).toBeUndefined();
    await store.clear();
  });

  it.each([
    ['a ciphertext byte', (bytes: Buffer) => bytes.length - 1],
    ['an auth tag byte', () => 36 + 3],
    ['an IV byte', () => 24 + 2],
    ['the key-kind byte', () => 7],
    ['a salt byte', () => 8],
  ])('discards a file with %s flipped', async (_what, position) => {
    const store = new EncryptedFileCookieStore({ path, key });
    await store.save(SESSION);
    const bytes = await readFile(path);
    const index = position(bytes);
    bytes[index] = (bytes[index] ?? 0) ^ 0x01;
    await writeFile(path, bytes);

    expect(await store.load()).toBeUndefined();
    expect(await exists(path)).toBe(false);
  });

  it('discards a file written with another key', async () => {
    await new EncryptedFileCookieStore({ path, key: randomBytes(32) }).save(SESSION);
    expect(await new EncryptedFileCookieStore({ path, key }).load()).toBeUndefined();
    expect(await exists(path)).toBe(false);
  });

  it('discards truncated files', async () => {
    const store = new EncryptedFileCookieStore({ path, key });
    await store.save(SESSION);
    const bytes = await readFile(path);
    for (const length of [0, 5, 30, 52, bytes.length - 1]) {
      await writeFile(path, bytes.subarray(0, length));
      expect(await store.load()).toBeUndefined();
      expect(await exists(path)).toBe(false);
    }
  });

  it('discards a foreign file and one of another format version', async () => {
    const store = new EncryptedFileCookieStore({ path, key });
    await store.save(SESSION);
    const bytes = await readFile(path);
    bytes[6] = 2;
    await writeFile(path, bytes);
    expect(await store.load()).toBeUndefined();

    await writeFile(path, JSON.stringify(SESSION));
    expect(await store.load()).toBeUndefined();
    expect(await exists(path)).toBe(false);
  });

  it('derives the key from a passphrase with a random salt', async () => {
    const store = new EncryptedFileCookieStore({ path, key: 'correct horse battery staple' });
    await store.save(SESSION);
    const first = await readFile(path);
    expect(first[7]).toBe(1);
    expect(await new EncryptedFileCookieStore({ path, key: 'correct horse battery staple' }).load()).toEqual(
      SESSION,
    );

    await store.save(SESSION);
    const second = await readFile(path);
    expect(second.subarray(8, 24).equals(first.subarray(8, 24))).toBe(false);

    expect(
      await new EncryptedFileCookieStore({ path, key: 'wrong horse battery staple' }).load(),
    ).toBeUndefined();
    expect(await exists(path)).toBe(false);
  });

  it('does not open a passphrase file with a raw key', async () => {
    await new EncryptedFileCookieStore({ path, key: 'correct horse battery staple' }).save(SESSION);
    expect(await new EncryptedFileCookieStore({ path, key }).load()).toBeUndefined();
  });

  it('rejects keys that are not 32 bytes or a passphrase', () => {
    for (const bad of [randomBytes(16), randomBytes(33), 'short', 42 as unknown as string]) {
      let caught: unknown;
      try {
        new EncryptedFileCookieStore({ path, key: bad });
      } catch (error) {
        caught = error;
      }
      expect(isCdmsInvalidArgumentError(caught)).toBe(true);
    }
  });
});
