// A browser reduced to what the accounts flow needs: a cookie jar and redirects followed by hand,
// so a test sees every hop (our redirect to Google, Google's back to us, ours to the settings).
// Cookies are kept per name only: every server in a test runs on 127.0.0.1.

export interface Hop {
  url: string;
  status: number;
  location: string | undefined;
}

export class Visitor {
  readonly cookies = new Map<string, string>();

  /** `form` as pairs when a field repeats (a group of checkboxes). */
  async request(url: string, init: { method?: string; form?: Record<string, string> | [string, string][] } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) this.store(line);
    return res;
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const expires = attributes.find((a) => /^expires=/i.test(a));
    const maxAge = attributes.find((a) => /^max-age=/i.test(a));
    const gone = (maxAge && Number(maxAge.split('=')[1]) <= 0) || (expires && new Date(expires.slice(8)).getTime() <= Date.now());
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, pair.slice(eq + 1));
  }

  /** Follows redirects from `url` (GET) until a page answers; the hops and the final response. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ hops: Hop[]; res: Response }> {
    const hops: Hop[] = [];
    let res = await this.request(url, init);
    let current = url;
    for (;;) {
      const location = res.headers.get('location') ?? undefined;
      hops.push({ url: current, status: res.status, location });
      if (res.status < 300 || res.status >= 400 || !location) return { hops, res };
      if (hops.length > 10) throw new Error(`too many redirects from ${url}`);
      current = new URL(location, current).toString();
      res = await this.request(current);
    }
  }
}

/** The value of the form token field in a page. */
export function formToken(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no form token in the page');
  return match[1];
}
