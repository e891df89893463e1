/// <reference lib="dom" />
// The booking page's code in the guest's browser. It is shipped as this function's source text
// (see ./page.ts), so it must be self-contained: no imports, no outer variables, every helper
// inside or handed in as an argument (`offsetsToShow`, the rule our mail uses too). It only builds
// the DOM with textContent, never with HTML strings from the API.
import type { OffsetsShown } from '../../shared/time/time-text';

export interface BookingPageConfig {
  slug: string;
  hostName: string;
  hostTimezone: string;
}

/* istanbul ignore next -- sent to the browser as source text, where coverage counters would not exist */
export function bookingPageScript(config: BookingPageConfig, offsetsToShow: (start: Date, end: Date, timeZone: string) => OffsetsShown): void {
  interface Slot {
    start: string;
    end: string;
  }
  interface Issue {
    path: (string | number)[];
    message: string;
  }
  type Field = 'name' | 'email' | 'message' | 'slot' | 'timezone';

  function byId<T extends HTMLElement>(id: string): T {
    const element = document.getElementById(id);
    if (!element) throw new Error(`the page has no #${id}`);
    return element as T;
  }

  const form = byId<HTMLFormElement>('booking-form');
  const zoneSelect = byId<HTMLSelectElement>('timezone');
  const slotsBox = byId<HTMLDivElement>('slots');
  const slotsState = byId<HTMLParagraphElement>('slots-state');
  const retry = byId<HTMLButtonElement>('slots-retry');
  const details = byId<HTMLDivElement>('details');
  const chosen = byId<HTMLParagraphElement>('chosen');
  const submit = byId<HTMLButtonElement>('submit');
  const result = byId<HTMLDivElement>('result');
  const inputs = {
    name: byId<HTMLInputElement>('name'),
    email: byId<HTMLInputElement>('email'),
    message: byId<HTMLTextAreaElement>('message'),
    timezone: zoneSelect,
  };

  // The page lives at .../booking/SLUG (maybe with a trailing slash); the API sits next to SLUG.
  const pagePath = location.pathname.replace(/\/+$/, '');
  const apiBase = new URL(pagePath.slice(0, pagePath.lastIndexOf('/') + 1), location.origin);
  const availabilityUrl = new URL('availability', apiBase);
  const bookingsUrl = new URL('bookings', apiBase);

  let slots: Slot[] = [];
  let selected: string | null = null;
  let sending = false;
  // Kept while a submission's outcome is unknown (network error, 5xx), so resending the same
  // booking reuses its key and the server finishes the first attempt instead of booking twice.
  let pending: { body: string; key: string } | null = null;

  // Times follow the guest's own 12/24-hour habit; the words stay English like the page.
  const hourCycle = new Intl.DateTimeFormat(navigator.language, { hour: 'numeric' }).resolvedOptions().hourCycle;
  const hour12 = hourCycle === 'h12' || hourCycle === 'h11';

  function formatsFor(timeZone: string) {
    return {
      day: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone }),
      time: new Intl.DateTimeFormat('en-GB', { hour: hour12 ? 'numeric' : '2-digit', minute: '2-digit', hourCycle: hour12 ? 'h12' : 'h23', timeZone }),
      dayKey: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }),
    };
  }

  /**
   * "9:00–9:30 am" rather than "9:00 am–9:30 am", so a slot fits its button on a phone. With the
   * UTC offset where the wall clock alone misleads: the hour the clocks go back shows twice
   * ("01:00–01:30 UTC-04:00", then "01:00–01:30 UTC-05:00"), and a slot across a change gets one
   * per end ("01:30 UTC+01:00–03:00 UTC+02:00", not a 90-minute-looking "01:30–03:00").
   */
  function timeRange(start: Date, end: Date, format: Intl.DateTimeFormat, timeZone: string): string {
    const offsets = offsetsToShow(start, end, timeZone);
    if (offsets.kind === 'each') return `${format.format(start)} ${offsets.start}–${format.format(end)} ${offsets.end}`;
    const startParts = format.formatToParts(start);
    const period = (parts: Intl.DateTimeFormatPart[]) => parts.find((part) => part.type === 'dayPeriod')?.value;
    const samePeriod = period(startParts) !== undefined && period(startParts) === period(format.formatToParts(end));
    const startText = startParts
      .filter((part) => !samePeriod || part.type !== 'dayPeriod')
      .map((part) => part.value)
      .join('')
      .trim();
    const text = `${startText}–${format.format(end)}`;
    return offsets.kind === 'range' ? `${text} ${offsets.offset}` : text;
  }

  function describe(slot: Slot, timeZone: string): { dayKey: string; day: string; time: string } {
    const f = formatsFor(timeZone);
    const start = new Date(slot.start);
    return { dayKey: f.dayKey.format(start), day: f.day.format(start), time: timeRange(start, new Date(slot.end), f.time, timeZone) };
  }

  function fillZones(): void {
    const detected = Intl.DateTimeFormat().resolvedOptions().timeZone || config.hostTimezone;
    const zones = Intl.supportedValuesOf('timeZone');
    // Aliases such as Asia/Calcutta or UTC can be detected yet missing from the canonical list.
    if (!zones.includes(detected)) zones.push(detected);
    zones.sort();
    const now = new Date();
    const options = zones.map((zone) => {
      const offset = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'shortOffset' })
        .formatToParts(now)
        .find((part) => part.type === 'timeZoneName')?.value;
      return new Option(`${zone.replaceAll('_', ' ')}${offset ? ` (${offset})` : ''}`, zone);
    });
    zoneSelect.replaceChildren(...options);
    zoneSelect.value = detected;
  }

  function setSlotsState(text: string, canRetry: boolean): void {
    slotsState.textContent = text;
    slotsState.hidden = text === '';
    retry.hidden = !canRetry;
  }

  function updateChosen(): void {
    const slot = slots.find((s) => s.start === selected);
    if (!slot) {
      chosen.textContent = 'No time chosen yet.';
      return;
    }
    const { day, time } = describe(slot, zoneSelect.value);
    chosen.textContent = `Your choice: ${day}, ${time} (${zoneSelect.value.replaceAll('_', ' ')} time)`;
  }

  function renderSlots(): void {
    const zone = zoneSelect.value;
    const days = new Map<string, { day: string; slots: { slot: Slot; time: string }[] }>();
    for (const slot of slots) {
      const { dayKey, day, time } = describe(slot, zone);
      const group = days.get(dayKey) ?? { day, slots: [] };
      group.slots.push({ slot, time });
      days.set(dayKey, group);
    }
    const sections = [...days].map(([dayKey, group]) => {
      const section = document.createElement('div');
      section.className = 'day';
      section.setAttribute('role', 'group');
      const heading = document.createElement('h3');
      heading.id = `day-${dayKey}`;
      heading.textContent = group.day;
      section.setAttribute('aria-labelledby', heading.id);
      const list = document.createElement('div');
      list.className = 'slot-list';
      for (const { slot, time } of group.slots) {
        const label = document.createElement('label');
        label.className = 'slot';
        const radio = document.createElement('input');
        radio.type = 'radio';
        radio.name = 'slot';
        radio.value = slot.start;
        radio.checked = slot.start === selected;
        // The day is spoken with each time, so a screen reader user moving with the arrows knows which day.
        const dayText = document.createElement('span');
        dayText.className = 'visually-hidden';
        dayText.textContent = `${group.day}, `;
        const timeText = document.createElement('span');
        timeText.className = 'slot-time';
        timeText.textContent = time;
        label.append(radio, dayText, timeText);
        list.append(label);
      }
      section.append(heading, list);
      return section;
    });
    slotsBox.replaceChildren(...sections);
    details.hidden = slots.length === 0;
    updateChosen();
  }

  async function loadSlots(): Promise<void> {
    setSlotsState('Loading free times…', false);
    slotsBox.setAttribute('aria-busy', 'true');
    const day = 24 * 60 * 60 * 1000;
    // From yesterday (UTC): the guest's today may still be yesterday for the host. The server
    // clips the range to the host's booking window anyway.
    const url = new URL(availabilityUrl);
    url.searchParams.set('host', config.slug);
    url.searchParams.set('from', new Date(Date.now() - day).toISOString().slice(0, 10));
    url.searchParams.set('to', new Date(Date.now() + 60 * day).toISOString().slice(0, 10));
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.status === 404) return setSlotsState('This booking page no longer exists.', false);
      if (response.status === 429) return setSlotsState('Too many requests from your network just now. Please try again in a minute.', true);
      if (!response.ok) return setSlotsState('The free times could not be loaded just now.', true);
      const answer = (await response.json()) as { slots?: unknown };
      slots = Array.isArray(answer.slots) ? (answer.slots as Slot[]).toSorted((a, b) => Date.parse(a.start) - Date.parse(b.start)) : [];
      if (!slots.some((s) => s.start === selected)) selected = null;
      setSlotsState(slots.length === 0 ? 'There are no free times in the next weeks.' : '', false);
      renderSlots();
    } catch {
      setSlotsState('The free times could not be loaded. Check your connection.', true);
    } finally {
      slotsBox.removeAttribute('aria-busy');
    }
  }

  function showResult(kind: 'ok' | 'error', lines: string[]): void {
    result.className = `notice ${kind}`;
    result.replaceChildren(
      ...lines.map((line) => {
        const p = document.createElement('p');
        p.textContent = line;
        return p;
      }),
    );
  }

  function setFieldError(field: Field, message: string): void {
    byId(`${field}-error`).textContent = message;
    if (field === 'slot') return;
    if (message) inputs[field].setAttribute('aria-invalid', 'true');
    else inputs[field].removeAttribute('aria-invalid');
  }

  function clearErrors(): void {
    for (const field of ['name', 'email', 'message', 'slot', 'timezone'] as const) setFieldError(field, '');
    showResult('ok', []);
  }

  function focusField(field: Field): void {
    if (field !== 'slot') return inputs[field].focus();
    const radio = slotsBox.querySelector<HTMLInputElement>('input[name=slot]:checked') ?? slotsBox.querySelector<HTMLInputElement>('input[name=slot]');
    radio?.focus();
  }

  const FIELDS: Record<string, Field> = {
    'guest.name': 'name',
    'guest.email': 'email',
    'guest.timezone': 'timezone',
    message: 'message',
    start: 'slot',
  };

  function showIssues(issues: Issue[]): void {
    const general: string[] = [];
    let first: Field | undefined;
    for (const issue of issues) {
      const field = FIELDS[issue.path.join('.')];
      if (!field) {
        general.push(issue.message);
        continue;
      }
      setFieldError(field, issue.message);
      first ??= field;
    }
    showResult('error', ['Please check what you entered.', ...general]);
    if (first) focusField(first);
  }

  function newKey(): string {
    // crypto.randomUUID needs a secure context; getRandomValues works everywhere.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function succeed(answer: { status?: string; start?: string; end?: string }): void {
    const when = answer.start && answer.end ? describe({ start: answer.start, end: answer.end }, zoneSelect.value) : undefined;
    const time = when ? `${when.day}, ${when.time} (${zoneSelect.value.replaceAll('_', ' ')} time)` : '';
    showResult(
      'ok',
      answer.status === 'booked'
        ? [`Booked: ${time}.`, 'You will get an invitation by email.']
        : [`Request sent: ${config.hostName} will confirm; you will get an invitation by email.`, time],
    );
    form.hidden = true;
    result.focus();
  }

  async function book(inUseTries = 0): Promise<void> {
    clearErrors();
    if (!selected) {
      setFieldError('slot', 'Choose a time first.');
      return focusField('slot');
    }
    const message = inputs.message.value.trim();
    const body = JSON.stringify({
      host: config.slug,
      start: selected,
      guest: { name: inputs.name.value.trim(), email: inputs.email.value.trim(), timezone: zoneSelect.value },
      ...(message ? { message } : {}),
    });
    if (pending?.body !== body) pending = { body, key: newKey() };
    let response: Response;
    try {
      response = await fetch(bookingsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': pending.key },
        body,
      });
    } catch {
      return showResult('error', ['The booking could not be sent. Check your connection and try again.']);
    }
    if (response.status >= 500) return showResult('error', ['Something went wrong, try again.']);
    const answer = (await response.json().catch(() => ({}))) as { status?: string; start?: string; end?: string; issues?: Issue[]; message?: string; error?: string };
    if (response.status === 409 && answer.error === 'idempotency_key_in_use') {
      // This very booking is still being made (a try that seemed lost got through): the same key
      // asked again shortly gets its answer. The time is the guest's own, never "taken".
      if (inUseTries >= 5) return showResult('error', ['Your booking is still being made. Please wait a moment, then press the button again.']);
      const seconds = Math.min(5, Math.max(1, Number(response.headers.get('retry-after')) || 1));
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      return book(inUseTries + 1);
    }
    pending = null;
    if (response.ok) return succeed(answer);
    switch (response.status) {
      case 409:
        selected = null;
        showResult('error', ['Sorry, someone has just taken that time. Please choose another one.']);
        return loadSlots();
      case 400:
        return showIssues(Array.isArray(answer.issues) ? answer.issues : []);
      case 404:
        return showResult('error', ['This booking page no longer exists.']);
      case 429:
        // An abuse limit: the server's message says which and how long to wait.
        return showResult('error', [answer.message ?? 'Too many requests just now. Please try again later.']);
      case 413:
        setFieldError('message', 'This message is too long.');
        showResult('error', ['Your message is too long; please shorten it.']);
        return focusField('message');
      default:
        return showResult('error', ['Something went wrong, try again.']);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // The button is only marked busy, not disabled: disabling it would drop the keyboard focus.
    if (sending) return;
    sending = true;
    submit.setAttribute('aria-disabled', 'true');
    book().finally(() => {
      sending = false;
      submit.removeAttribute('aria-disabled');
    });
  });
  slotsBox.addEventListener('change', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.name !== 'slot') return;
    selected = target.value;
    setFieldError('slot', '');
    updateChosen();
  });
  zoneSelect.addEventListener('change', renderSlots);
  retry.addEventListener('click', () => void loadSlots());

  fillZones();
  void loadSlots();
}
