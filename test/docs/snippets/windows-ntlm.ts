import { CdmsClient, NtlmAuth } from '@cdms-sync/cdms-client';

const auth = new NtlmAuth({
  username: process.env.CDMS_USERNAME!, // CORP\alice or alice@corp.example.org
  password: process.env.CDMS_PASSWORD!,
  // scheme: 'Negotiate', // when IIS offers Negotiate only (NTLM inside it; no Kerberos)
});
const client = new CdmsClient({ baseUrl: process.env.CDMS_URL!, auth });

// The first request on each kept-alive connection shakes hands (type 1 -> 401 challenge -> type 3,
// same socket); the connection then stays authenticated.
export const firstPage = await client.list('Account', { select: ['Name'], top: 1 });
auth.close(); // when the process is done with CDMS: closes the kept-alive connections
