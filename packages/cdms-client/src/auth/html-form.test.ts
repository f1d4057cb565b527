import { describe, expect, it } from 'vitest';
import {
  decodeHtmlEntities,
  findTextByIdSuffix,
  formFields,
  type HtmlForm,
  isTokenForm,
  parseHtmlForms,
  resolveFormAction,
} from './html-form';

describe('decodeHtmlEntities', () => {
  it('decodes named and numeric references and leaves unknown ones', () => {
    expect(
      decodeHtmlEntities('a &amp; b &quot;c&quot; &#39;d&#39; &lt;e&gt; &#x27;f&#X27; &apos; &nbsp;'),
    ).toBe("a & b \"c\" 'd' <e> 'f' ' \u00a0");
    expect(decodeHtmlEntities('&amp;lt; &unknown; &#0; &#xD800; &#1114112; & alone')).toBe(
      '&lt; &unknown; &#0; &#xD800; &#1114112; & alone',
    );
    expect(decodeHtmlEntities('&#128512;')).toBe('😀');
  });
});

describe('parseHtmlForms', () => {
  it('reads action, method and inputs with any quoting, ignoring comments and scripts', () => {
    const html = `<html><script>document.write("<form action='/fake'><input name='fake'>")</script>
      <!-- <form action="/commented"></form> -->
      <FORM Method=post ACTION='/adfs/ls/?a=1&amp;b=2' id="loginForm">
        <input type=hidden name=__VIEWSTATE value=abc/>
        <input name="wresult" type="hidden" value="&lt;t:RSTR a=&quot;1&quot;&gt;x > y&lt;/t:RSTR&gt;">
        <input value='it&#39;s' name='quoted' data-x="a>b">
        <input type="submit" name="first" value="Go"><input type="submit" name="second" value="No">
        <input type="checkbox" name="box" checked><input type="checkbox" name="unchecked" value="v">
        <input type="text" name="off" value="x" disabled>
        <input type="button" name="button" value="b"><input type="text" value="unnamed">
      </FORM>
      <form><input name="q"></form>`;
    const forms = parseHtmlForms(html);
    expect(forms).toHaveLength(2);
    const [login, search] = forms;
    expect(login?.action).toBe('/adfs/ls/?a=1&b=2');
    expect(login?.method).toBe('POST');
    expect(login?.id).toBe('loginForm');
    expect(formFields(login ?? { method: 'GET', inputs: [] })).toEqual([
      ['__VIEWSTATE', 'abc/'],
      ['wresult', '<t:RSTR a="1">x > y</t:RSTR>'],
      ['quoted', "it's"],
      ['first', 'Go'],
      ['box', 'on'],
    ]);
    expect(search).toEqual({
      method: 'GET',
      inputs: [{ name: 'q', value: '', type: 'text', checked: false, disabled: false }],
    });
  });

  it('returns no form for a page without one', () => {
    expect(parseHtmlForms('<html><body>hello</body></html>')).toEqual([]);
  });
});

describe('findTextByIdSuffix', () => {
  it('returns the decoded text of the element whose id ends with the suffix', () => {
    const html = `<span id="x_ErrorTextLabelNot">no</span><div class="e" id='ctl00_ContentPlaceHolder1_ErrorTextLabel'>
      <b>Incorrect user ID or password.</b> Type the correct user ID &amp; password.</div>`;
    expect(findTextByIdSuffix(html, 'ErrorTextLabel')).toBe(
      'Incorrect user ID or password. Type the correct user ID & password.',
    );
  });

  it('returns undefined when the element is missing or empty', () => {
    expect(findTextByIdSuffix('<span id="a_ErrorTextLabel"></span>', 'ErrorTextLabel')).toBeUndefined();
    expect(findTextByIdSuffix('<p>nothing</p>', 'ErrorTextLabel')).toBeUndefined();
  });
});

describe('resolveFormAction', () => {
  const form = (action?: string): HtmlForm => ({
    method: 'POST',
    inputs: [],
    ...(action === undefined ? {} : { action }),
  });
  const page = 'https://adfs.example.org/adfs/ls/?wa=wsignin1.0';

  it('resolves a relative or absolute action against the page URL', () => {
    expect(resolveFormAction(form('/adfs/ls/?a=1&b=2'), page)).toBe(
      'https://adfs.example.org/adfs/ls/?a=1&b=2',
    );
    expect(resolveFormAction(form(' https://sts.example.org/ '), page)).toBe('https://sts.example.org/');
  });

  it('posts to the page itself when the action is missing, empty or blank', () => {
    expect(resolveFormAction(form(), page)).toBe(page);
    expect(resolveFormAction(form(''), page)).toBe(page);
    expect(resolveFormAction(form('   '), page)).toBe(page);
  });
});

describe('isTokenForm', () => {
  it('is true only for a form with an input named wresult', () => {
    const input = (name: string) => ({ name, value: '', type: 'hidden', checked: false, disabled: false });
    expect(isTokenForm({ method: 'POST', inputs: [input('wa'), input('wresult')] })).toBe(true);
    expect(isTokenForm({ method: 'POST', inputs: [input('wa'), input('WRESULT2')] })).toBe(false);
    expect(isTokenForm({ method: 'POST', inputs: [] })).toBe(false);
  });
});
