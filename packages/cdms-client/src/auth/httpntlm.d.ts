// The part of `httpntlm` (MIT, https://github.com/SamDecrock/node-http-ntlm) that ntlm-messages.ts
// uses: its NTLM message functions, exported as `httpntlm.ntlm` for use without its HTTP client.
declare module 'httpntlm' {
  /** A decoded type 2 (challenge) message. */
  export interface NtlmType2Message {
    readonly serverChallenge: Buffer;
    readonly negotiateFlags: number;
    readonly targetInfo?: Buffer;
  }
  export interface NtlmMessageOptions {
    username?: string;
    password?: string;
    domain?: string;
    workstation?: string;
    /** The NT hash (MD4 of the UTF-16LE password), used instead of `password`. */
    nt_password?: Buffer;
    lm_password?: Buffer;
  }
  export interface NtlmMessages {
    /** `'NTLM <base64>'` */
    createType1Message(options: NtlmMessageOptions): string;
    /** Reads `'NTLM <base64>'`; calls `callback` with an error and returns null when it cannot. */
    parseType2Message(header: string, callback: (error: Error) => void): NtlmType2Message | null;
    /** `'NTLM <base64>'`: NTLMv2 when the challenge negotiated extended security and target info. */
    createType3Message(type2: NtlmType2Message, options: NtlmMessageOptions): string;
    /** MD4 of the UTF-16LE password (js-md4: works where OpenSSL 3 disabled MD4). */
    create_NT_hashed_password(password: string): Buffer;
  }
  const httpntlm: { readonly ntlm: NtlmMessages };
  export default httpntlm;
}
