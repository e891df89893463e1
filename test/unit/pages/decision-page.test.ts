import {
  renderDecisionConflict,
  renderDecisionDone,
  renderDecisionError,
  renderDecisionPage,
  renderDecisionUnavailable,
  type DecisionView,
} from '../../../functions/decision/page';

const hostile = `<script>alert("x")</script>'&`;

const view: DecisionView = {
  hostName: 'Ada Lovelace',
  guestName: 'Grace Hopper',
  guestEmail: 'grace@example.com',
  message: 'Looking forward to it.\nSee you then.',
  start: new Date('2026-12-01T09:00:00Z'),
  end: new Date('2026-12-01T09:30:00Z'),
  hostTimezone: 'Europe/Berlin',
  status: 'requested',
  inviteMode: 'google',
};

const input = { ...view, tokens: { confirm: 'confirm.token', deny: 'deny.token' }, actionUrl: 'https://book.example/decision' };

function forms(html: string): string[] {
  return html.match(/<form[\s\S]*?<\/form>/g) ?? [];
}

describe('the decision page', () => {
  it('escapes everything the guest and the host typed, in text and in attributes', () => {
    const html = renderDecisionPage({
      ...input,
      hostName: hostile,
      guestName: hostile,
      guestEmail: `"><script>x</script>@example.com`,
      message: hostile,
      tokens: { confirm: `"><script>`, deny: `'onfocus=alert(1) x='` },
      actionUrl: `https://book.example/decision"><script>`,
    });
    expect(html).not.toContain('<script');
    expect(html).not.toContain(`"><`);
    expect(html).not.toContain(`'onfocus`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;');
  });

  it("shows the time in the host's time zone and names the zone and its offset", () => {
    expect(renderDecisionPage(input)).toContain('Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin, UTC+01:00)');
    const newYork = renderDecisionPage({ ...input, hostTimezone: 'America/New_York' });
    expect(newYork).toContain('Tuesday 1 December 2026, 04:00–04:30 (America/New_York, UTC-05:00)');
  });

  it('names both dates when the meeting runs past midnight in the host zone', () => {
    const late = renderDecisionPage({ ...input, start: new Date('2026-12-01T22:30:00Z'), end: new Date('2026-12-01T23:30:00Z') });
    expect(late).toContain('Tuesday 1 December 2026, 23:30–Wednesday 2 December 2026, 00:30 (Europe/Berlin, UTC+01:00)');
  });

  it('tells apart two requests in the hour the clocks go back, by their offsets', () => {
    const first = renderDecisionPage({ ...input, start: new Date('2026-10-25T00:00:00Z'), end: new Date('2026-10-25T00:30:00Z') });
    const second = renderDecisionPage({ ...input, start: new Date('2026-10-25T01:00:00Z'), end: new Date('2026-10-25T01:30:00Z') });
    expect(first).toContain('Sunday 25 October 2026, 02:00–02:30 (Europe/Berlin, UTC+02:00)');
    expect(second).toContain('Sunday 25 October 2026, 02:00–02:30 (Europe/Berlin, UTC+01:00)');
  });

  it('shows the guest, their email and their message keeping its line breaks', () => {
    const html = renderDecisionPage(input);
    expect(html).toContain('Grace Hopper');
    expect(html).toContain('href="mailto:grace@example.com"');
    expect(html).toContain('<dd class="message">Looking forward to it.\nSee you then.</dd>');
    expect(renderDecisionPage({ ...input, message: null })).toContain('No message.');
  });

  it('offers a Confirm and a Decline form while the request is open, each posting its own token and action to actionUrl', () => {
    const [confirm, deny, ...rest] = forms(renderDecisionPage(input));
    expect(rest).toHaveLength(0);
    for (const [form, token, action, button] of [
      [confirm, 'confirm.token', 'confirm', 'Confirm'],
      [deny, 'deny.token', 'deny', 'Decline'],
    ] as const) {
      expect(form).toContain('method="post" action="https://book.example/decision"');
      expect(form).toContain(`<input type="hidden" name="token" value="${token}">`);
      expect(form).toContain(`<input type="hidden" name="action" value="${action}">`);
      expect(form).toMatch(new RegExp(`<button type="submit"[^>]*>${button}</button>`));
    }
  });

  it.each([
    ['booked', 'This booking is confirmed.'],
    ['declined', 'This request was declined.'],
    ['cancelled', 'This booking was cancelled.'],
  ] as const)('says what was decided instead of offering buttons once the slot is %s', (status, sentence) => {
    const html = renderDecisionPage({ ...input, status });
    expect(forms(html)).toHaveLength(0);
    expect(html).not.toContain('confirm.token');
    expect(html).toContain(sentence);
  });

  it('keeps decision links out of search engines', () => {
    expect(renderDecisionPage(input)).toContain('<meta name="robots" content="noindex, nofollow">');
  });
});

describe('the pages after a decision', () => {
  it('confirm that the booking went through, or that it had already been confirmed', () => {
    const first = renderDecisionDone({ ...view, status: 'booked' }, 'confirm', false);
    expect(first).toContain('<h1>Booking confirmed</h1>');
    expect(first).toContain('The booking is confirmed and Grace Hopper gets an updated invitation.');
    expect(renderDecisionDone({ ...view, inviteMode: 'ics', status: 'booked' }, 'confirm', false)).toContain('The booking is confirmed and we email Grace Hopper the confirmed invitation.');
    const again = renderDecisionDone({ ...view, status: 'booked' }, 'confirm', true);
    expect(again).toContain('You had already confirmed this booking; nothing has changed.');
    expect(forms(again)).toHaveLength(0);
  });

  it('confirm a decline, or that it had already been declined', () => {
    expect(renderDecisionDone({ ...view, status: 'declined' }, 'deny', false)).toContain('The request is declined and Grace Hopper will be told.');
    expect(renderDecisionDone({ ...view, status: 'declined' }, 'deny', true)).toContain('You had already declined this request; nothing has changed.');
  });

  it('escape the guest name in the outcome sentence', () => {
    expect(renderDecisionDone({ ...view, guestName: hostile, status: 'declined' }, 'deny', false)).not.toContain('<script');
  });

  it('say which answer stood when the other one had been given first', () => {
    const html = renderDecisionConflict({ ...view, status: 'declined' });
    expect(html).toContain('<h1>Already decided</h1>');
    expect(html).toContain('This request was declined. Your answer was not applied.');
    expect(renderDecisionConflict({ ...view, status: 'booked' })).toContain('This booking is confirmed.');
  });

  it('explain a broken, an expired and an unknown link in plain words', () => {
    expect(renderDecisionError('invalid')).toContain('<h1>This link does not work</h1>');
    expect(renderDecisionError('expired')).toContain('<h1>This link has expired</h1>');
    expect(renderDecisionError('not_found')).toContain('<h1>Booking not found</h1>');
  });

  it('tell the host to try again later when their calendar could not be reached', () => {
    expect(renderDecisionUnavailable()).toContain('nothing has been changed');
  });
});
