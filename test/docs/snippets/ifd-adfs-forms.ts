import { AdfsFormAuth, CdmsClient } from '@cdms-sync/cdms-client';

const auth = new AdfsFormAuth({
  adfsUrl: process.env.CDMS_ADFS_URL!, // https://adfs.example.org/adfs/services/trust, or https://adfs.example.org
  username: process.env.CDMS_USERNAME!, // CORP\alice
  password: process.env.CDMS_PASSWORD!,
});
const client = new CdmsClient({ baseUrl: process.env.CDMS_URL!, auth }); // https://crm.example.org/ORG

// The first request signs in (GET {org}/?whr=…, the ADFS form, the token hops); later ones reuse
// the session until it expires, then one request signs in again and is replayed.
export const firstPage = await client.list('Account', { select: ['Name'], top: 1 });
