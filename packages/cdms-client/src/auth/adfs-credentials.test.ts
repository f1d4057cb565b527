import { describe, expect, it } from 'vitest';
import { normaliseAdfsUrl } from './adfs-credentials';

describe('normaliseAdfsUrl', () => {
  const expected = {
    root: 'https://adfs.example.org',
    identifier: 'https://adfs.example.org/adfs/services/trust',
  };

  it.each([
    'https://adfs.example.org/adfs/services/trust',
    'https://adfs.example.org/adfs/services/trust/',
    'https://adfs.example.org',
    'https://adfs.example.org/',
    'https://adfs.example.org/adfs/ls/',
    'https://adfs.example.org/adfs/services/trust/13/usernamemixed',
    'https://ADFS.example.org/adfs/services/trust?x=1',
  ])('%s names the same ADFS', (adfsUrl) => {
    expect(normaliseAdfsUrl(adfsUrl)).toEqual(expected);
  });

  it('keeps a path prefix in front of /adfs', () => {
    expect(normaliseAdfsUrl('https://sso.example.org/corp/adfs/services/trust')).toEqual({
      root: 'https://sso.example.org/corp',
      identifier: 'https://sso.example.org/corp/adfs/services/trust',
    });
  });
});
