/** A Windows account as NTLM sends it. @internal */
export interface WindowsUser {
  /** `alice`, or `alice@corp.example.org` for a user principal name. */
  readonly username: string;
  /** The NetBIOS domain (`CORP`); `''` with a user principal name. */
  readonly domain: string;
}

/**
 * Reads the two ways Windows writes an account: `CORP\alice` (down-level logon name: domain and
 * user) and `alice@corp.example.org` (user principal name: sent whole, with an empty domain, as
 * Windows clients do). A plain `alice` has an empty domain unless `domain` is given; an explicit
 * `domain` wins over the one in `CORP\alice`.
 *
 * @example
 * ```ts
 * parseWindowsUser('CORP\\alice'); // { username: 'alice', domain: 'CORP' }
 * parseWindowsUser('alice@corp.example.org'); // { username: 'alice@corp.example.org', domain: '' }
 * ```
 *
 * @internal
 */
export function parseWindowsUser(name: string, domain?: string): WindowsUser {
  const backslash = name.indexOf('\\');
  if (backslash !== -1) {
    return { username: name.slice(backslash + 1), domain: domain ?? name.slice(0, backslash) };
  }
  return { username: name, domain: domain ?? '' };
}
