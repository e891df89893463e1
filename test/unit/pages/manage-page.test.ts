import { renderLinkSpent, renderManageDone, renderManagePage, type ManagePageInput } from '../../../functions/booking/manage-page';

const hostile = `<script>alert("x")</script>'&`;

const input: ManagePageInput = {
  hostName: 'Ada Lovelace',
  hostTimezone: 'Europe/London',
  guestName: 'Grace Hopper',
  guestTimezone: 'America/New_York',
  start: new Date('2030-12-02T14:00:00Z'),
  end: new Date('2030-12-02T14:30:00Z'),
  status: 'booked',
  choices: { kind: 'open', closesAt: new Date('2030-12-02T12:00:00Z') },
  token: 'manage.t0k"en',
  actionUrl: 'https://book.example/booking/manage',
  times: [
    { start: new Date('2030-12-03T14:00:00Z'), end: new Date('2030-12-03T14:30:00Z') },
    { start: new Date('2030-12-04T03:00:00Z'), end: new Date('2030-12-04T03:30:00Z') },
  ],
};

function forms(html: string): string[] {
  return html.match(/<form[\s\S]*?<\/form>/g) ?? [];
}

describe('the manage page', () => {
  it('shows the time in the guest\'s zone, then the host\'s, and offers a cancel form and a reschedule form carrying the link', () => {
    const html = renderManagePage(input);
    expect(html).toContain('Monday 2 December 2030, 09:00–09:30');
    expect(html).toContain('Monday 2 December 2030, 14:00–14:30');
    expect(html).toContain('You can cancel or move this booking until Monday 2 December 2030 at 07:00');
    const [cancel, move] = forms(html);
    expect(cancel).toContain('name="action" value="cancel"');
    expect(move).toContain('name="action" value="reschedule"');
    for (const form of [cancel, move]) {
      expect(form).toContain('method="post" action="https://book.example/booking/manage"');
      expect(form).toContain('name="token" value="manage.t0k&quot;en"');
    }
    expect(html).not.toContain('<script');
  });

  it('groups the free times by the guest\'s day, each a radio button with the time as its value', () => {
    const html = renderManagePage(input);
    // 03:00 UTC on the 4th is still the 3rd in New York.
    expect(html.match(/<legend>/g)).toHaveLength(1);
    expect(html).toContain('<legend>Tuesday 3 December</legend>');
    expect(html).toContain('<input type="radio" name="start" value="2030-12-03T14:00:00.000Z" required> 09:00–09:30');
    expect(html).toContain('value="2030-12-04T03:00:00.000Z" required> 22:00–22:30');
  });

  it('offers nothing once it is too late, or once the booking is over', () => {
    const late = renderManagePage({ ...input, choices: { kind: 'closed', closedAt: new Date('2030-12-02T12:00:00Z') } });
    expect(forms(late)).toEqual([]);
    expect(late).toContain('too late to change this booking online: changes were possible until Monday 2 December 2030 at 07:00. Please contact Ada Lovelace directly.');
    const over = renderManagePage({ ...input, status: 'cancelled', choices: { kind: 'over', status: 'cancelled' } });
    expect(forms(over)).toEqual([]);
    expect(over).toContain('This booking is cancelled. Nothing more to do here.');
  });

  it('escapes every name it shows', () => {
    const html = renderManagePage({ ...input, hostName: hostile, problem: hostile });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;');
    expect(renderManageDone({ ...input, hostName: hostile }, 'cancel', false)).not.toContain('<script>alert');
  });

  it('after a move, says who must confirm and gives the new link; a spent link says where the new one is', () => {
    const moved = renderManageDone({ ...input, status: 'requested' }, 'reschedule', false, 'https://book.example/booking/manage?token=a&b');
    expect(moved).toContain('Ada Lovelace has been asked to confirm the new time');
    expect(moved).toContain('href="https://book.example/booking/manage?token=a&amp;b"');
    expect(renderLinkSpent()).toContain('Use the link in the newest email or calendar invitation');
  });
});
