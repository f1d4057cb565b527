import { CdmsClient, CookieAuth } from '@cdms-sync/cdms-client';

// A session signed in elsewhere (a browser, another service): its cookies, e.g. 'MSISAuth=…; MSISAuth1=…'.
const auth = new CookieAuth({ cookies: process.env.CDMS_SESSION_COOKIE! });
const client = new CdmsClient({ baseUrl: process.env.CDMS_URL!, auth });

// Once the session expires, the request fails with CdmsUnauthorizedError: get new cookies.
export const firstPage = await client.list('Account', { select: ['Name'], top: 1 });
