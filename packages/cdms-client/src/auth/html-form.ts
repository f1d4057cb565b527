/** One `<input>` of an HTML form, with its attributes decoded. @internal */
export interface HtmlInput {
  readonly name: string;
  readonly value: string;
  /** Lower-case `type` attribute, `text` when absent. */
  readonly type: string;
  readonly checked: boolean;
  readonly disabled: boolean;
}

/** One `<form>` of an HTML page. @internal */
export interface HtmlForm {
  /** The `id` attribute, when there is one. */
  readonly id?: string;
  /** The decoded `action` attribute; `undefined` (or empty) means "the page's own URL". */
  readonly action?: string;
  /** Upper-case method, `GET` when absent. */
  readonly method: string;
  /** Every `<input>` with a `name`, in document order (including hidden and submit inputs). */
  readonly inputs: readonly HtmlInput[];
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  quot: '"',
  apos: "'",
  lt: '<',
  gt: '>',
  nbsp: '\u00a0',
};

/**
 * Decodes the HTML character references that ADFS and ASP.NET pages use: `&amp; &quot; &apos;
 * &lt; &gt; &nbsp;` and numeric ones (`&#39;`, `&#x27;`). Unknown references stay as written.
 *
 * @internal
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (reference: string, body: string) => {
    if (body.startsWith('#')) {
      const codePoint =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      if (!Number.isInteger(codePoint) || codePoint <= 0 || codePoint > 0x10ffff) return reference;
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) return reference;
      return String.fromCodePoint(codePoint);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? reference;
  });
}

// An attribute: name, then optionally = and a double-quoted, single-quoted or bare value.
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
// A start tag whose attribute values may contain '>' inside quotes.
const startTag = (tagName: string) => new RegExp(`<${tagName}\\b((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'gi');

/**
 * Parses the attributes of a start tag's inside (`name="a" value='b' checked`). Names are
 * lower-cased, values decoded; the first occurrence of a name wins, as in browsers.
 *
 * @internal
 */
export function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1]?.toLowerCase();
    if (name === undefined || attributes.has(name)) continue;
    const raw = match[2] ?? match[3] ?? match[4] ?? '';
    attributes.set(name, decodeHtmlEntities(raw));
  }
  return attributes;
}

/** Removes comments, scripts and styles, whose text could otherwise look like tags. */
function stripNonMarkup(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/<script\b(?:[^>"']|"[^"]*"|'[^']*')*>[\s\S]*?(?:<\/script\s*>|$)/gi, '')
    .replace(/<style\b(?:[^>"']|"[^"]*"|'[^']*')*>[\s\S]*?(?:<\/style\s*>|$)/gi, '');
}

/**
 * Finds every `<form>` of an HTML page with its action, method and named `<input>`s. A
 * deliberately small, regex-based reader for the machine-generated pages of an ADFS login
 * (forms are not nested; a form without `</form>` runs to the next form or the page's end).
 * It is not a general HTML parser.
 *
 * @example
 * ```ts
 * parseHtmlForms('<form method="post" action="/adfs/ls/?a=1&amp;b=2"><input type="hidden" name="wa" value="wsignin1.0"></form>');
 * // [{ action: '/adfs/ls/?a=1&b=2', method: 'POST', inputs: [{ name: 'wa', value: 'wsignin1.0', type: 'hidden', … }] }]
 * ```
 *
 * @internal
 */
export function parseHtmlForms(html: string): HtmlForm[] {
  const page = stripNonMarkup(html);
  const forms: HtmlForm[] = [];
  const formStarts = [...page.matchAll(startTag('form'))];
  formStarts.forEach((formStart, index) => {
    const bodyStart = (formStart.index ?? 0) + formStart[0].length;
    const nextFormStart = formStarts[index + 1]?.index ?? page.length;
    const closing = page.slice(bodyStart, nextFormStart).search(/<\/form\s*>/i);
    const body = page.slice(bodyStart, closing === -1 ? nextFormStart : bodyStart + closing);
    const attributes = parseAttributes(formStart[1] ?? '');

    const inputs: HtmlInput[] = [];
    for (const inputTag of body.matchAll(startTag('input'))) {
      const inputAttributes = parseAttributes(inputTag[1] ?? '');
      const name = inputAttributes.get('name');
      if (name === undefined || name.length === 0) continue;
      inputs.push({
        name,
        value: inputAttributes.get('value') ?? '',
        type: (inputAttributes.get('type') ?? 'text').toLowerCase(),
        checked: inputAttributes.has('checked'),
        disabled: inputAttributes.has('disabled'),
      });
    }

    const id = attributes.get('id');
    const action = attributes.get('action');
    forms.push({
      ...(id === undefined ? {} : { id }),
      ...(action === undefined ? {} : { action }),
      method: (attributes.get('method') ?? 'get').toUpperCase(),
      inputs,
    });
  });
  return forms;
}

/**
 * The fields a browser would submit for `form` when its first submit button is clicked:
 * enabled inputs, checked checkboxes/radios only, only the first submit button (ASP.NET pages
 * such as ADFS 2.0's sign-in page only handle the post when the button's name is present), no
 * file/reset/button/image inputs.
 *
 * @internal
 */
export function formFields(form: HtmlForm): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  let submitSeen = false;
  for (const input of form.inputs) {
    if (input.disabled) continue;
    switch (input.type) {
      case 'checkbox':
      case 'radio':
        if (input.checked) fields.push([input.name, input.value === '' ? 'on' : input.value]);
        break;
      case 'submit':
        if (!submitSeen) fields.push([input.name, input.value]);
        submitSeen = true;
        break;
      case 'file':
      case 'reset':
      case 'button':
      case 'image':
        break;
      default:
        fields.push([input.name, input.value]);
    }
  }
  return fields;
}

/**
 * The absolute URL `form` posts to: its `action` resolved against the page's URL, or the page
 * itself when the action is empty or missing.
 *
 * @example
 * ```ts
 * resolveFormAction({ action: '/adfs/ls/?wa=wsignin1.0', method: 'POST', inputs: [] }, 'https://adfs.example.org/adfs/ls/');
 * // 'https://adfs.example.org/adfs/ls/?wa=wsignin1.0'
 * ```
 *
 * @internal
 */
export function resolveFormAction(form: HtmlForm, pageUrl: string): string {
  const action = form.action?.trim();
  return action === undefined || action.length === 0 ? pageUrl : new URL(action, pageUrl).toString();
}

/**
 * Whether a form is a sign-in form: it has inputs whose names contain `Username` and `Password`
 * (ADFS 2.0 `FormsSignIn.aspx`: `ctl00$ContentPlaceHolder1$UsernameTextBox`, `…PasswordTextBox`).
 *
 * @internal
 */
export function isLoginForm(form: HtmlForm): boolean {
  const names = form.inputs.map((input) => input.name.toLowerCase());
  return names.some((name) => name.includes('username')) && names.some((name) => name.includes('password'));
}

/**
 * Whether `form` carries a WS-Federation token (`wresult`): the form a browser auto-posts to the
 * next STS or to the relying party.
 *
 * @internal
 */
export function isTokenForm(form: HtmlForm): boolean {
  return form.inputs.some((input) => input.name === 'wresult');
}

/**
 * The text of the first element whose `id` ends with `idSuffix` (tags stripped, entities
 * decoded, whitespace collapsed), or `undefined` when there is no such element or it is empty.
 *
 * @example
 * ```ts
 * findTextByIdSuffix('<span id="ctl00_ErrorTextLabel">Incorrect user ID or password</span>', 'ErrorTextLabel');
 * // 'Incorrect user ID or password'
 * ```
 *
 * @internal
 */
export function findTextByIdSuffix(html: string, idSuffix: string): string | undefined {
  const page = stripNonMarkup(html);
  const anyStartTag = /<([a-zA-Z][a-zA-Z0-9]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  for (const match of page.matchAll(anyStartTag)) {
    const tagName = match[1] ?? '';
    const id = parseAttributes(match[2] ?? '').get('id');
    if (id === undefined || !id.endsWith(idSuffix)) continue;
    const contentStart = (match.index ?? 0) + match[0].length;
    const rest = page.slice(contentStart);
    const closing = rest.search(new RegExp(`</${tagName}\\s*>`, 'i'));
    const inner = closing === -1 ? '' : rest.slice(0, closing);
    const text = decodeHtmlEntities(inner.replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
    return text.length === 0 ? undefined : text;
  }
  return undefined;
}
