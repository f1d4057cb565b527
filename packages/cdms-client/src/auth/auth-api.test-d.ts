import { expectTypeOf, test } from 'vitest';
import type { CdmsLoginError } from '../errors/cdms-login-error';
import type { CdmsUnauthorizedError } from '../errors/cdms-unauthorized-error';
import type { AdfsFormAuthOptions } from './adfs-form-auth';
import type { CdmsAuth, CdmsAuthAnswer, CdmsRejectedSession } from './cdms-auth';
import type { NtlmAuth, NtlmAuthOptions } from './ntlm-auth';
import type { CdmsSessionExpiry } from './session-expiry';
import type { WsTrustAuthOptions } from './ws-trust-auth';

test('NtlmAuth is a CdmsAuth with an exchange', () => {
  expectTypeOf<NtlmAuth>().toExtend<CdmsAuth>();
  expectTypeOf<NtlmAuth['exchange']>().toBeFunction();
  expectTypeOf<NtlmAuthOptions['scheme']>().toEqualTypeOf<'NTLM' | 'Negotiate' | undefined>();
});

test('invalidate takes the rejected session, optionally; exchange keeps the answer type', () => {
  expectTypeOf<CdmsAuth['invalidate']>().parameters.toEqualTypeOf<[rejected?: CdmsRejectedSession]>();
  type Answer = CdmsAuthAnswer & { body: string };
  expectTypeOf<ReturnType<NonNullable<CdmsAuth['exchange']>>>().toExtend<Promise<CdmsAuthAnswer>>();
  expectTypeOf<Answer>().toExtend<CdmsAuthAnswer>();
});

test('the auth errors say what happened', () => {
  expectTypeOf<CdmsUnauthorizedError['sessionExpiry']>().toEqualTypeOf<CdmsSessionExpiry | undefined>();
  expectTypeOf<CdmsSessionExpiry>().toEqualTypeOf<'status-401' | 'sign-in-redirect' | 'sign-in-page'>();
  expectTypeOf<CdmsLoginError['transient']>().toEqualTypeOf<boolean>();
});

test('both ADFS strategies take the same adfsUrl and loginRetries', () => {
  expectTypeOf<AdfsFormAuthOptions['adfsUrl']>().toEqualTypeOf<WsTrustAuthOptions['adfsUrl']>();
  expectTypeOf<AdfsFormAuthOptions['loginRetries']>().toEqualTypeOf<WsTrustAuthOptions['loginRetries']>();
});
