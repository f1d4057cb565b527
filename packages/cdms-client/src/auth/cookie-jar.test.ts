import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar';

const NOW = Date.parse('2024-06-01T12:00:00Z');

describe('CookieJar', () => {
  it('keeps host-only cookies for their host and domain cookies for subdomains', () => {
    const jar = new CookieJar();
    jar.setFromResponse(
      'https://sts.example.org/adfs/ls/',
      ['host=1; path=/adfs; HttpOnly', 'shared=2; Domain=.example.org; path=/'],
      NOW,
    );
    expect(jar.headerFor('https://sts.example.org/other', NOW)).toBe('host=1; shared=2');
    expect(jar.headerFor('https://crm.example.org/', NOW)).toBe('shared=2');
    expect(jar.headerFor('https://example.com/', NOW)).toBeUndefined();
  });

  it('ignores a Domain that does not cover the setting host', () => {
    const jar = new CookieJar();
    jar.setFromResponse('https://evil.example.com/', 'stolen=1; Domain=example.org', NOW);
    expect(jar.cookiesFor('https://example.org/', NOW)).toEqual([]);
    expect(jar.cookiesFor('https://evil.example.com/', NOW)).toEqual([]);
  });

  it('respects Max-Age over Expires, and deletes expired cookies', () => {
    const jar = new CookieJar();
    jar.setFromResponse(
      'https://crm.example.org/',
      [
        'a=1; Max-Age=60; Expires=Wed, 01 Jan 2020 00:00:00 GMT',
        'b=2; Expires=Sat, 01 Jun 2024 13:00:00 GMT',
        'c=3',
        'bad-max-age=4; Max-Age=soon',
      ],
      NOW,
    );
    expect(jar.cookiesFor('https://crm.example.org/', NOW)).toEqual([
      { name: 'a', value: '1', expiresAt: NOW + 60_000 },
      { name: 'b', value: '2', expiresAt: NOW + 3_600_000 },
      { name: 'c', value: '3' },
      { name: 'bad-max-age', value: '4' },
    ]);
    expect(jar.headerFor('https://crm.example.org/', NOW + 61_000)).toBe('b=2; c=3; bad-max-age=4');
    jar.setFromResponse(
      'https://crm.example.org/',
      ['c=; Max-Age=0', 'b=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
      NOW,
    );
    // 'a' was dropped when it expired above.
    expect(jar.headerFor('https://crm.example.org/', NOW)).toBe('bad-max-age=4');
  });

  it('replaces a cookie of the same name and sends Secure cookies over https only', () => {
    const jar = new CookieJar();
    jar.setFromResponse(
      'https://crm.example.org/',
      ['s=old; Secure', 's=new; Secure', 'plain=1', 'junk', '=novalue'],
      NOW,
    );
    expect(jar.headerFor('https://crm.example.org/', NOW)).toBe('s=new; plain=1');
    expect(jar.headerFor('http://crm.example.org/', NOW)).toBe('plain=1');
  });
});
