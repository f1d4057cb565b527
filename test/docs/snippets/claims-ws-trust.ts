import { CdmsClient, WsTrustAuth } from '@cdms-sync/cdms-client';

const auth = new WsTrustAuth({
  adfsUrl: process.env.CDMS_ADFS_URL!, // the same value as for AdfsFormAuth
  username: process.env.CDMS_USERNAME!,
  password: process.env.CDMS_PASSWORD!,
});
const client = new CdmsClient({ baseUrl: process.env.CDMS_URL!, auth });

// POST {ADFS root}/adfs/services/trust/13/usernamemixed, then the token posted to {org}/.
export const firstPage = await client.list('Account', { select: ['Name'], top: 1 });
