import { describe, expect, it } from 'vitest';
import { isCdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { CookieAuth, HeadersAuth } from './headers-auth';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('HeadersAuth', () => {
  it('sends the same headers before and after invalidate()', async () => {
    const source = { Authorization: 'Bearer abc', 'X-Session': 's1' };
    const auth = new HeadersAuth({ headers: source });
    source.Authorization = 'changed later';
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer abc', 'X-Session': 's1' });
    await auth.invalidate();
    const headers = await auth.headers();
    expect(headers).toEqual({ Authorization: 'Bearer abc', 'X-Session': 's1' });
    headers.Authorization = 'mutated by a caller';
    expect((await auth.headers()).Authorization).toBe('Bearer abc');
  });

  it('rejects header injection without echoing the value', () => {
    const error = thrown(() => new HeadersAuth({ headers: { Cookie: 'a=b\r\nX-Evil: secret-value' } }));
    expect(isCdmsInvalidArgumentError(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain('secret-value');
    expect(isCdmsInvalidArgumentError(thrown(() => new HeadersAuth({ headers: { 'Bad Name': 'x' } })))).toBe(
      true,
    );
  });
});

describe('CookieAuth', () => {
  it('sends the cookies as one Cookie header, from an object or a header string', async () => {
    expect(await new CookieAuth({ cookies: { MSISAuth: 'A+/=', MSISAuth1: 'B' } }).headers()).toEqual({
      Cookie: 'MSISAuth=A+/=; MSISAuth1=B',
    });
    const auth = new CookieAuth({ cookies: ' MSISAuth=A; MSISAuth1=B ;' });
    await auth.invalidate();
    expect(await auth.headers()).toEqual({ Cookie: 'MSISAuth=A; MSISAuth1=B' });
  });

  it('rejects cookies that cannot be sent as they are', () => {
    expect(isCdmsInvalidArgumentError(thrown(() => new CookieAuth({ cookies: {} })))).toBe(true);
    expect(isCdmsInvalidArgumentError(thrown(() => new CookieAuth({ cookies: { a: 'x; b=y' } })))).toBe(true);
    expect(isCdmsInvalidArgumentError(thrown(() => new CookieAuth({ cookies: { 'a b': 'x' } })))).toBe(true);
    const error = thrown(() => new CookieAuth({ cookies: { MSISAuth: 'secret\nvalue' } }));
    expect((error as Error).message).not.toContain('secret');
  });
});
