// A mail's HTML part, served at its own URL (/messages/{id}/html) so the inbox can frame it and a
// person can open it in a tab of its own. The HTML is whatever someone posted to the sink, so it
// is kept from running script in the sink's origin twice over: the policy's `sandbox` has no
// `allow-scripts`, and `script-src 'none'` refuses every script even where sandboxing is not
// applied. What a mail needs to be tried for real stays allowed: links and forms open in a new
// tab (`<base target="_blank">`, as webmail does) that escapes the sandbox, so the Confirm link of
// a host's mail reaches the functions' own pages with their own policy. `allow-same-origin` lets
// the inbox measure the framed part and show it whole; it gives nothing to a document that
// cannot run script.

export const HTML_PART_POLICY = [
  'sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms',
  "script-src 'none'",
  "object-src 'none'",
].join('; ');

/** The same flags as the policy's sandbox, for the inbox's iframe: a browser honours either. */
export const HTML_PART_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms';

const NEW_TAB = '<base target="_blank">';

/** The mail's HTML with links and forms sent to a new tab; the base goes first in <head> so it wins. */
export function htmlPartPage(html: string): string {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return `${html.slice(0, head.index + head[0].length)}${NEW_TAB}${html.slice(head.index + head[0].length)}`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  if (doctype) return `${doctype[0]}${NEW_TAB}${html.slice(doctype[0].length)}`;
  return `${NEW_TAB}${html}`;
}
