import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  type ScryptOptions,
  scrypt as scryptCallback,
} from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { type CookieStore, isStoredCookies, type StoredCookies } from './cookie-store';

/** Options of {@link EncryptedFileCookieStore}. */
export interface EncryptedFileCookieStoreOptions {
  /** The file to keep the session in. Its folder is created (mode 0700) when missing. */
  path: string;
  /**
   * A 32-byte key (`Buffer`/`Uint8Array`, e.g. `Buffer.from(process.env.KEY, 'base64')`), or a
   * passphrase from which a key is derived with scrypt and a random salt on every save.
   */
  key: Uint8Array | string;
}

// File format, version 1 (all lengths in bytes):
//   magic "CDMSCK" (6) | version 1 (1) | key kind (1: 0 raw key, 1 scrypt passphrase) |
//   salt (16) | iv (12) | GCM auth tag (16) | ciphertext of the JSON session (rest)
// The 36 header bytes before the tag are authenticated as additional data, so changing any
// byte of the file makes decryption fail.
const MAGIC = Buffer.from('CDMSCK', 'ascii');
const FORMAT_VERSION = 1;
const KEY_KIND_RAW = 0;
const KEY_KIND_SCRYPT = 1;
const SALT_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = MAGIC.length + 2 + SALT_LENGTH + IV_LENGTH;
const KEY_LENGTH = 32;
/** scrypt cost of format version 1 (about 32 MiB and tens of milliseconds per derivation). */
const SCRYPT_OPTIONS: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function scrypt(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase, salt, KEY_LENGTH, SCRYPT_OPTIONS, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * A {@link CookieStore} that keeps the session in one file, encrypted and authenticated with
 * AES-256-GCM (`node:crypto`): a fresh random IV on every save, the header authenticated too,
 * and a versioned format so that a later version can change algorithms.
 *
 * - The file is written with mode 0600, atomically (a temporary file in the same folder, then
 *   `rename`), so a crash never leaves half a session behind.
 * - A file that is corrupt, truncated, tampered with, written with another key or not ours at
 *   all is never trusted: `load()` deletes it and returns `undefined` (the next `headers()` logs
 *   in again). A missing file is simply `undefined`; other read errors (permissions) throw.
 *
 * @example
 * ```ts
 * const cookieStore = new EncryptedFileCookieStore({
 *   path: '/var/lib/my-app/cdms-session',
 *   key: Buffer.from(process.env.CDMS_COOKIE_KEY!, 'base64'), // 32 bytes: `openssl rand -base64 32`
 * });
 * ```
 */
export class EncryptedFileCookieStore implements CookieStore {
  readonly #path: string;
  readonly #rawKey: Buffer | undefined;
  readonly #passphrase: string | undefined;
  // The last key derived from the passphrase, by salt: a load right after a save costs no scrypt.
  #derived: { salt: Buffer; key: Buffer } | undefined;

  constructor(options: EncryptedFileCookieStoreOptions) {
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new CdmsInvalidArgumentError('EncryptedFileCookieStore: path must be a non-empty string');
    }
    this.#path = options.path;
    if (typeof options.key === 'string') {
      if (options.key.length < 8) {
        throw new CdmsInvalidArgumentError(
          'EncryptedFileCookieStore: a passphrase key must have at least 8 characters',
        );
      }
      this.#passphrase = options.key;
    } else if (options.key instanceof Uint8Array && options.key.length === KEY_LENGTH) {
      this.#rawKey = Buffer.from(options.key);
    } else {
      throw new CdmsInvalidArgumentError(
        `EncryptedFileCookieStore: key must be a ${KEY_LENGTH}-byte Buffer or a passphrase string`,
      );
    }
  }

  /** The session in the file; `undefined` (and the file deleted) when it cannot be trusted. */
  async load(): Promise<StoredCookies | undefined> {
    let file: Buffer;
    try {
      file = await readFile(this.#path);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
    const session = await this.#decrypt(file);
    if (session === undefined) await this.clear();
    return session;
  }

  /** Encrypts `cookies` and replaces the file atomically (mode 0600). */
  async save(cookies: StoredCookies): Promise<void> {
    const salt = randomBytes(SALT_LENGTH);
    const iv = randomBytes(IV_LENGTH);
    const keyKind = this.#rawKey === undefined ? KEY_KIND_SCRYPT : KEY_KIND_RAW;
    const header = Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION, keyKind]), salt, iv]);
    const key = await this.#keyFor(keyKind, salt);
    if (key === undefined) throw new Error('unreachable: a key of our own kind is always available');
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
    cipher.setAAD(header);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(cookies), 'utf8'), cipher.final()]);
    await this.#writeAtomically(Buffer.concat([header, cipher.getAuthTag(), ciphertext]));
  }

  /** Deletes the file (a missing file is fine). */
  async clear(): Promise<void> {
    try {
      await unlink(this.#path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
  }

  /** The session in `file`, or `undefined` for anything that does not decrypt and validate. */
  async #decrypt(file: Buffer): Promise<StoredCookies | undefined> {
    if (file.length < HEADER_LENGTH + TAG_LENGTH) return undefined;
    if (!file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    if (file[MAGIC.length] !== FORMAT_VERSION) return undefined;
    const keyKind = file[MAGIC.length + 1];
    const saltStart = MAGIC.length + 2;
    const salt = file.subarray(saltStart, saltStart + SALT_LENGTH);
    const iv = file.subarray(saltStart + SALT_LENGTH, HEADER_LENGTH);
    const tag = file.subarray(HEADER_LENGTH, HEADER_LENGTH + TAG_LENGTH);
    const ciphertext = file.subarray(HEADER_LENGTH + TAG_LENGTH);
    const key = await this.#keyFor(keyKind, Buffer.from(salt));
    if (key === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
      decipher.setAAD(file.subarray(0, HEADER_LENGTH));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      const parsed: unknown = JSON.parse(plaintext);
      return isStoredCookies(parsed) ? parsed : undefined;
    } catch {
      // Wrong key, tampered bytes or invalid JSON: all mean "not a session we can trust".
      return undefined;
    }
  }

  /** The key for a file of `keyKind`, or `undefined` when this store holds the other kind. */
  async #keyFor(keyKind: number | undefined, salt: Buffer): Promise<Buffer | undefined> {
    if (keyKind === KEY_KIND_RAW) return this.#rawKey;
    if (keyKind !== KEY_KIND_SCRYPT || this.#passphrase === undefined) return undefined;
    if (this.#derived?.salt.equals(salt)) return this.#derived.key;
    const key = await scrypt(this.#passphrase, salt);
    this.#derived = { salt, key };
    return key;
  }

  async #writeAtomically(content: Buffer): Promise<void> {
    const folder = dirname(this.#path);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const temporaryPath = join(
      folder,
      `.${basename(this.#path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const handle = await open(temporaryPath, 'wx', 0o600);
    try {
      try {
        await handle.chmod(0o600);
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporaryPath, this.#path);
    } catch (error) {
      await unlink(temporaryPath).catch(() => undefined);
      throw error;
    }
  }
}
