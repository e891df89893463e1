/// <reference lib="dom" />
// The booking page in the guest's browser (bundled by infra/build/client.ts): choose a day and a
// time in the compact picker (./day-picker), then the details form, which takes the focus with the
// chosen time shown above it, then what really happens next (./booking-outcome). It builds the DOM
// with textContent only, never with HTML strings from the API.
import { BookingApi, type BookingSent, type Issue } from './booking-api';
import { outcomeLines } from './booking-outcome';
import { DayPicker } from './day-picker';
import type { BookingPageConfig } from './page-config';
import { whenText, zoneName, type Slot } from './slot-text';

type Field = 'name' | 'email' | 'message' | 'slot' | 'timezone';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const config = JSON.parse(byId('booking-config').textContent ?? '{}') as BookingPageConfig;
const api = new BookingApi(location.pathname, location.origin);

const bookingArea = byId<HTMLDivElement>('booking');
const pickSection = byId<HTMLElement>('pick');
const zoneSelect = byId<HTMLSelectElement>('timezone');
const slotsState = byId<HTMLParagraphElement>('slots-state');
const retry = byId<HTMLButtonElement>('slots-retry');
const pickerBox = byId<HTMLDivElement>('picker');
const form = byId<HTMLFormElement>('booking-form');
const chosenText = byId<HTMLParagraphElement>('chosen');
const submit = byId<HTMLButtonElement>('submit');
const result = byId<HTMLDivElement>('result');
const inputs = {
  name: byId<HTMLInputElement>('name'),
  email: byId<HTMLInputElement>('email'),
  message: byId<HTMLTextAreaElement>('message'),
  timezone: zoneSelect,
};

// Times follow the guest's own 12/24-hour habit; the words stay English like the page.
const hourCycle = new Intl.DateTimeFormat(navigator.language, { hour: 'numeric' }).resolvedOptions().hourCycle;
const hour12 = hourCycle === 'h12' || hourCycle === 'h11';

let slots: Slot[] = [];
let chosen: Slot | null = null;
let sending = false;

const picker = new DayPicker(
  {
    previousMonth: byId('month-prev'),
    nextMonth: byId('month-next'),
    monthHeading: byId('month-name'),
    days: byId('days'),
    timesHeading: byId('times-heading'),
    times: byId('times'),
    status: byId('picker-status'),
  },
  { hour12, onTimeChosen: timeChosen },
);

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
    return new Option(`${zoneName(zone)}${offset ? ` (${offset})` : ''}`, zone);
  });
  zoneSelect.replaceChildren(...options);
  zoneSelect.value = detected;
}

function setSlotsState(text: string, canRetry: boolean): void {
  slotsState.textContent = text;
  slotsState.hidden = text === '';
  retry.hidden = !canRetry;
}

/** The form belongs to a chosen time: it shows, with that time above it, only while there is one. */
function showChoice(): void {
  form.hidden = chosen === null;
  chosenText.textContent = chosen ? whenText(chosen, zoneSelect.value, hour12) : '';
}

function timeChosen(slot: Slot): void {
  chosen = slot;
  setFieldError('slot', '');
  showChoice();
  byId('picker-status').textContent = `Chosen: ${whenText(slot, zoneSelect.value, hour12)}. Next, your details.`;
  // The form starts at the top of the screen, its chosen time in sight, the first field focused.
  form.scrollIntoView({ block: 'start' });
  inputs.name.focus({ preventScroll: true });
}

function showSlots(): void {
  picker.show(slots, zoneSelect.value, chosen?.start ?? null);
  if (picker.chosen === null) chosen = null;
  showChoice();
}

async function loadSlots(): Promise<void> {
  setSlotsState('Loading free times…', false);
  pickerBox.setAttribute('aria-busy', 'true');
  const loaded = await api.freeSlots(config.slug, Date.now());
  pickerBox.removeAttribute('aria-busy');
  switch (loaded.kind) {
    case 'unknown_host':
      return setSlotsState('This booking page no longer exists.', false);
    case 'rate_limited':
      return setSlotsState('Too many requests from your network just now. Please try again in a minute.', true);
    case 'failed':
      return setSlotsState(loaded.reason === 'network' ? 'The free times could not be loaded. Check your connection.' : 'The free times could not be loaded just now.', true);
    case 'loaded':
      slots = loaded.slots.toSorted((a, b) => Date.parse(a.start) - Date.parse(b.start));
      setSlotsState(slots.length === 0 ? 'There are no free times in the next weeks.' : '', false);
      pickerBox.hidden = slots.length === 0;
      showSlots();
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
  if (field === 'slot') picker.focusChoice();
  else inputs[field].focus();
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

async function timeTaken(): Promise<void> {
  chosen = null;
  picker.clearChoice();
  showChoice();
  setFieldError('slot', 'Sorry, someone has just taken that time. Please choose another one.');
  await loadSlots();
  picker.focusChoice();
}

async function answer(sent: BookingSent, slot: Slot): Promise<void> {
  switch (sent.kind) {
    case 'made': {
      const { start, end } = sent.answer;
      const when = whenText(start && end ? { start, end } : slot, zoneSelect.value, hour12);
      showResult('ok', outcomeLines(sent.answer, config.hostName, when));
      pickSection.hidden = true;
      form.hidden = true;
      return result.focus();
    }
    case 'taken':
      return timeTaken();
    case 'invalid':
      return showIssues(sent.issues);
    case 'unknown_host':
      return showResult('error', ['This booking page no longer exists.']);
    case 'rate_limited':
      // An abuse limit: the server's message says which and how long to wait.
      return showResult('error', [sent.message ?? 'Too many requests just now. Please try again later.']);
    case 'too_large':
      setFieldError('message', 'This message is too long.');
      showResult('error', ['Your message is too long; please shorten it.']);
      return focusField('message');
    case 'still_in_flight':
      return showResult('error', ['Your booking is still being made. Please wait a moment, then press the button again.']);
    case 'failed':
      return showResult('error', [sent.reason === 'network' ? 'The booking could not be sent. Check your connection and try again.' : 'Something went wrong, try again.']);
  }
}

async function book(): Promise<void> {
  clearErrors();
  const slot = chosen;
  if (!slot) {
    setFieldError('slot', 'Choose a time first.');
    return focusField('slot');
  }
  const message = inputs.message.value.trim();
  const sent = await api.book({
    host: config.slug,
    start: slot.start,
    guest: { name: inputs.name.value.trim(), email: inputs.email.value.trim(), timezone: zoneSelect.value },
    ...(message ? { message } : {}),
  });
  await answer(sent, slot);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  // The button is only marked busy, not disabled: disabling it would drop the keyboard focus.
  if (sending) return;
  sending = true;
  submit.setAttribute('aria-disabled', 'true');
  void book().finally(() => {
    sending = false;
    submit.removeAttribute('aria-disabled');
  });
});
zoneSelect.addEventListener('change', showSlots);
retry.addEventListener('click', () => void loadSlots());
byId('change-time').addEventListener('click', () => picker.focusChoice());

bookingArea.hidden = false;
fillZones();
void loadSlots();
