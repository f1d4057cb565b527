import axios from 'axios';
import { XMLParser } from 'fast-xml-parser';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { blockRealNetwork } from '../client/__fixtures__/cdms-test-kit';
import { isCdmsLoginError } from '../errors/cdms-login-error';
import { captureError, describeError } from './__fixtures__/auth-test-kit';
import type { CdmsAuthContext } from './cdms-auth';
import { MemoryCookieStore } from './memory-cookie-store';
import { WsTrustAuth } from './ws-trust-auth';
import { extractStandaloneElement } from './ws-trust-response';

const CRM = 'https://crm.example.org';
const ADFS = 'https://adfs.example.org';
const ENDPOINT_PATH = '/adfs/services/trust/13/usernamemixed';
const USERNAME = 'EXAMPLE\\bob<&>';
const PASSWORD = `p"a'ss<word>&1`;
const ASSERTION =
  '<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="_a1" Issuer="http://adfs.example.org/adfs/services/trust" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"><saml:AttributeStatement>SIGNED-ASSERTION-SECRET</saml:AttributeStatement><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>c2lnbmF0dXJl</ds:SignatureValue></ds:Signature></saml:Assertion>';
const RSTR_INNER = `<trust:Lifetime><wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">2024-01-01T10:00:00.000Z</wsu:Created><wsu:Expires xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">2100-01-01T11:00:00.000Z</wsu:Expires></trust:Lifetime><wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://crm.example.org/ORG/</wsa:Address></wsa:EndpointReference></wsp:AppliesTo><trust:RequestedSecurityToken>${ASSERTION}</trust:RequestedSecurityToken><trust:TokenType>urn:oasis:names:tc:SAML:1.0:assertion</trust:TokenType><trust:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</trust:RequestType><trust:KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer</trust:KeyType>`;
const TOKEN_RESPONSE = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><a:Action s:mustUnderstand="1">http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal</a:Action></s:Header><s:Body><trust:RequestSecurityTokenResponseCollection xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><trust:RequestSecurityTokenResponse>${RSTR_INNER}</trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection></s:Body></s:Envelope>`;
const faultResponse = (reason: string) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://www.w3.org/2005/08/addressing/soap/fault</a:Action></s:Header><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value xmlns:a="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">a:FailedAuthentication</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${reason}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`;

const context = (): CdmsAuthContext => ({ baseUrl: `${CRM}/ORG/`, http: axios.create() });

interface Captured {
  headers: Record<string, string>;
  body: string;
}

function mockTokenEndpoint(status: number, response: string, captured: Captured[]) {
  nock(ADFS)
    .post(ENDPOINT_PATH)
    .reply(function (_uri, body) {
      captured.push({ headers: this.req.headers as Record<string, string>, body: String(body) });
      return [status, response, { 'Content-Type': 'application/soap+xml; charset=utf-8' }];
    });
}

function expectNoSecrets(text: string) {
  for (const secret of [PASSWORD, USERNAME, 'bob', 'SIGNED-ASSERTION-SECRET', 'crm-session-cookie']) {
    expect(text).not.toContain(secret);
  }
}

blockRealNetwork();

describe('WsTrustAuth', () => {
  it('requests a bearer token with an escaped UsernameToken and reads its lifetime', async () => {
    const captured: Captured[] = [];
    mockTokenEndpoint(200, TOKEN_RESPONSE, captured);
    const auth = new WsTrustAuth({ adfsUrl: `${ADFS}/`, username: USERNAME, password: PASSWORD });

    const token = await auth.requestToken(context());

    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request?.headers['content-type']).toBe(
      'application/soap+xml; charset=utf-8; action="http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue"',
    );
    expect(request?.body).not.toContain(PASSWORD);
    const envelope = new XMLParser({
      removeNSPrefix: true,
      ignoreAttributes: false,
      parseTagValue: false,
    }).parse(request?.body ?? '');
    const header = envelope.Envelope.Header;
    expect(header.Action['#text']).toBe('http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue');
    expect(header.To['#text']).toBe(`${ADFS}${ENDPOINT_PATH}`);
    expect(header.Security.UsernameToken.Username).toBe(USERNAME);
    expect(header.Security.UsernameToken.Password['#text']).toBe(PASSWORD);
    const body = envelope.Envelope.Body.RequestSecurityToken;
    expect(body.AppliesTo.EndpointReference.Address).toBe(`${CRM}/ORG/`);
    expect(body.KeyType).toBe('http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer');
    expect(body.RequestType).toBe('http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue');

    expect(token.created).toEqual(new Date('2024-01-01T10:00:00.000Z'));
    expect(token.expires).toEqual(new Date('2100-01-01T11:00:00.000Z'));
    expect(token.tokenType).toBe('urn:oasis:names:tc:SAML:1.0:assertion');
    expect(token.responseXml).toBe(
      `<trust:RequestSecurityTokenResponse xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512">${RSTR_INNER}</trust:RequestSecurityTokenResponse>`,
    );
    expect(token.responseXml).toContain(ASSERTION);
  });

  it('signs in to the organisation with the token and returns its cookies', async () => {
    const captured: Captured[] = [];
    mockTokenEndpoint(200, TOKEN_RESPONSE, captured);
    let signIn: { form: Record<string, string>; contentType: string | undefined } | undefined;
    nock(CRM)
      .post('/ORG/')
      .reply(function (_uri, body) {
        signIn = {
          form: Object.fromEntries(new URLSearchParams(String(body))),
          contentType: (this.req.headers as Record<string, string>)['content-type'],
        };
        return [
          302,
          '',
          {
            Location: '/ORG/default.aspx',
            'Set-Cookie': ['MSISAuth=crm-session-cookie; path=/; secure; HttpOnly'],
          },
        ];
      });
    const cookieStore = new MemoryCookieStore();
    const auth = new WsTrustAuth({ adfsUrl: ADFS, username: USERNAME, password: PASSWORD, cookieStore });

    expect(await auth.headers(context())).toEqual({ Cookie: 'MSISAuth=crm-session-cookie' });
    expect(signIn?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(signIn?.form ?? {})).toEqual(['wa', 'wresult']);
    expect(signIn?.form.wa).toBe('wsignin1.0');
    expect(signIn?.form.wresult).toContain(ASSERTION);
    expect(signIn?.form.wresult).toMatch(/^<trust:RequestSecurityTokenResponse [^>]*xmlns:trust=/);
    // The session cookie lives as long as the token.
    expect(await cookieStore.load()).toMatchObject({
      cookies: [
        { name: 'MSISAuth', value: 'crm-session-cookie', expiresAt: Date.parse('2100-01-01T11:00:00.000Z') },
      ],
    });
    // Reused without any request.
    expect(await auth.headers(context())).toEqual({ Cookie: 'MSISAuth=crm-session-cookie' });
    expect(nock.isDone()).toBe(true);
  });

  it('turns a SOAP fault into CdmsLoginError with its reason, redacting the user name', async () => {
    mockTokenEndpoint(
      500,
      faultResponse(
        `ID3242: The security token could not be authenticated or authorized. User ${USERNAME.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
      ),
      [],
    );
    const auth = new WsTrustAuth({ adfsUrl: ADFS, username: USERNAME, password: PASSWORD });

    const error = await captureError(auth.headers(context()));

    expect(isCdmsLoginError(error)).toBe(true);
    expect((error as { code?: string }).code).toBe('CDMS_LOGIN_FAILED');
    expect((error as { status?: number }).status).toBe(500);
    expect(error.message).toBe(
      `WS-Trust token request to ${ADFS}${ENDPOINT_PATH} failed with 500 (a:FailedAuthentication): ID3242: The security token could not be authenticated or authorized. User REDACTED`,
    );
    expectNoSecrets(describeError(error));
    expect(nock.isDone()).toBe(true);
  });

  it('fails clearly on an answer that is not a token', async () => {
    mockTokenEndpoint(404, '<html><body>Not Found</body></html>', []);
    const auth = new WsTrustAuth({ adfsUrl: ADFS, username: USERNAME, password: PASSWORD });
    const error = await captureError(auth.requestToken(context()));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toBe(
      `WS-Trust token request to ${ADFS}${ENDPOINT_PATH} answered 404: the answer is not a SOAP envelope`,
    );
  });

  it('fails clearly when the organisation sets no cookie for the token', async () => {
    mockTokenEndpoint(200, TOKEN_RESPONSE, []);
    nock(CRM).post('/ORG/').reply(200, '<html>Sign in</html>');
    const auth = new WsTrustAuth({ adfsUrl: ADFS, username: USERNAME, password: PASSWORD });
    const error = await captureError(auth.headers(context()));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toMatch(/set no cookies for the issued token/);
    expectNoSecrets(describeError(error));
  });
});

describe('extractStandaloneElement', () => {
  it('copies inherited namespace declarations onto the element, keeping its own', () => {
    const xml = '<r xmlns="urn:default" xmlns:p="urn:p"><p:x xmlns:p="urn:own" a="1"><p:y/></p:x></r>';
    expect(extractStandaloneElement(xml, 'x')).toBe(
      '<p:x xmlns="urn:default" xmlns:p="urn:own" a="1"><p:y/></p:x>',
    );
    expect(extractStandaloneElement(xml, 'missing')).toBeUndefined();
  });
});

describe('adfsUrl means the same for WsTrustAuth and AdfsFormAuth', () => {
  it.each([
    ['the prototype value (the trust identifier)', `${ADFS}/adfs/services/trust`],
    ['the ADFS root', ADFS],
    ['the root with a slash', `${ADFS}/`],
    ['the WS-Trust endpoint itself', `${ADFS}/adfs/services/trust/13/usernamemixed`],
  ])(
    '%s posts to …/adfs/services/trust/13/usernamemixed once, never a doubled path',
    async (_name, adfsUrl) => {
      const captured: Captured[] = [];
      mockTokenEndpoint(200, TOKEN_RESPONSE, captured);
      const auth = new WsTrustAuth({ adfsUrl, username: USERNAME, password: PASSWORD });
      await auth.requestToken(context());
      expect(captured).toHaveLength(1);
      expect(nock.pendingMocks()).toEqual([]);
    },
  );
});
