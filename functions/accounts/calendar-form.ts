// The settings form's calendars: the default calendar (a radio group of the host's writable
// calendars) and the calendars that check for conflicts (a checkbox per calendar in their list,
// whatever its access role: a calendar shared with them read-only makes them busy too). The
// default's checkbox is shown checked and disabled: it always counts, and a disabled box is not
// sent. Each checked box sends one `conflictCalendarIds` field (the body reader takes this field
// repeated, functions/request-body.ts).
import escapeHtml from 'escape-html';
import { z } from 'zod';
import { TooManyConflictCalendars, UnknownConflictCalendar } from '../../shared/accounts/conflict-calendars';
import { writableCalendars } from '../../shared/accounts/default-calendar';
import { UnknownCalendar } from '../../shared/accounts/errors';
import type { CalendarListEntry } from '../../shared/google/calendar';
import { oneLineText } from '../../shared/input/plain-text';
import { MAX_CONFLICT_CALENDARS } from '../../shared/store/subscribers';
import { fieldAria, type FieldError } from './schedule-form';

/** Far more than a form of ours sends (the host's calendar list); the real limit is the domain's, said beside the field. */
const MOST_FIELDS_READ = 250;

/** The calendar fields as the form posts them. */
export const calendarFormFields = z.object({
  calendarId: oneLineText(1024).min(1).optional(),
  conflictCalendarIds: z.array(oneLineText(1024).min(1)).max(MOST_FIELDS_READ).optional(),
});

export interface CalendarChoice {
  /** The default calendar chosen; undefined when the form does not offer the choice (no working connection). */
  calendarId: string | undefined;
  /** The calendars checked; undefined, like the default, when not offered. */
  conflictCalendarIds: string[] | undefined;
}

/**
 * What the host chose. The checkboxes are offered with the default's radio group, and a browser
 * sends no field for a group with nothing checked: with a default sent, no checkbox means none.
 */
export function calendarChoice(posted: z.infer<typeof calendarFormFields>): CalendarChoice {
  if (posted.calendarId === undefined) return { calendarId: undefined, conflictCalendarIds: undefined };
  return { calendarId: posted.calendarId, conflictCalendarIds: posted.conflictCalendarIds ?? [] };
}

const CONFLICTS_LABEL = 'Calendars to check for conflicts';

/** The domain's refusal of a calendar choice as the error beside its field; undefined for any other error. */
export function calendarFieldError(error: unknown): FieldError | undefined {
  if (error instanceof UnknownCalendar) return { field: 'calendarId', label: 'Default calendar', message: 'choose one of your calendars' };
  if (error instanceof UnknownConflictCalendar) return { field: 'conflictCalendarIds', label: CONFLICTS_LABEL, message: 'choose among your calendars: one of those sent is not in your calendar list' };
  if (error instanceof TooManyConflictCalendars) return { field: 'conflictCalendarIds', label: CONFLICTS_LABEL, message: `choose at most ${MAX_CONFLICT_CALENDARS} calendars besides your default calendar` };
  return undefined;
}

function errorText(field: string, error: FieldError | undefined): string {
  return error ? `<p class="field-error" id="${field}-error"><span class="visually-hidden">Error: </span>${escapeHtml(error.message)}</p>\n` : '';
}

/** The legend's fieldset takes the error's description; aria-invalid belongs on fields, not on a group. */
function groupAria(field: string, hintId: string | undefined, error: FieldError | undefined): string {
  return fieldAria(field, hintId, error).replace(' aria-invalid="true"', '');
}

function nameOf(calendar: CalendarListEntry): string {
  return escapeHtml(calendar.summary || calendar.id);
}

/** What the host may do in a calendar that is not theirs, beside its name. */
function accessNote(calendar: CalendarListEntry): string {
  if (calendar.primary) return ' <span class="hint">(primary)</span>';
  if (calendar.accessRole === 'reader') return ' <span class="hint">(shared with you, read only)</span>';
  if (calendar.accessRole === 'freeBusyReader') return ' <span class="hint">(shared with you, free/busy only)</span>';
  return '';
}

/** The first choice has the group's id, for the error summary's link. */
function defaultChoice(calendar: CalendarListEntry, index: number, checked: boolean): string {
  const id = index === 0 ? 'calendarId' : `calendarId-${index}`;
  return `<label><input type="radio" id="${id}" name="calendarId" value="${escapeHtml(calendar.id)}"${checked ? ' checked' : ''} required> ${nameOf(calendar)}${accessNote(calendar)}</label>`;
}

function conflictChoice(calendar: CalendarListEntry, index: number, state: 'default' | 'checked' | 'unchecked'): string {
  const id = index === 0 ? 'conflictCalendarIds' : `conflictCalendarIds-${index}`;
  const box = state === 'default' ? ' checked disabled' : state === 'checked' ? ' checked' : '';
  const note = state === 'default' ? ' <span class="hint">(your default calendar: always checked)</span>' : accessNote(calendar);
  return `<label><input type="checkbox" id="${id}" name="conflictCalendarIds" value="${escapeHtml(calendar.id)}"${box}> ${nameOf(calendar)}${note}</label>`;
}

export interface CalendarFieldsView {
  /** Every calendar in the host's list. */
  calendars: CalendarListEntry[];
  /** The default calendar as the form shows it (the host's, or what they sent). */
  calendarId: string | undefined;
  conflictCalendarIds: string[];
  errors: FieldError[];
}

/** The default calendar and the calendars to check for conflicts, as two fieldsets of the settings form. */
export function renderCalendarFields({ calendars, calendarId, conflictCalendarIds, errors }: CalendarFieldsView): string {
  const defaultError = errors.find((e) => e.field === 'calendarId');
  const conflictError = errors.find((e) => e.field === 'conflictCalendarIds');
  const defaults = writableCalendars(calendars).map((c, index) => defaultChoice(c, index, c.id === calendarId)).join('\n');
  const conflicts = calendars
    .map((c, index) => conflictChoice(c, index, c.id === calendarId ? 'default' : conflictCalendarIds.includes(c.id) ? 'checked' : 'unchecked'))
    .join('\n');
  return `<fieldset${groupAria('calendarId', undefined, defaultError)}>
<legend>Default calendar</legend>
<p class="hint">New bookings go into this calendar, and we follow the changes you make there.</p>
${errorText('calendarId', defaultError)}${defaults || '<p>Your Google account has no calendar that bookings can be written to.</p>'}
</fieldset>
<fieldset${groupAria('conflictCalendarIds', 'conflictCalendarIds-hint', conflictError)}>
<legend>${CONFLICTS_LABEL}</legend>
<p class="hint" id="conflictCalendarIds-hint">Guests are not offered times when you are busy in the calendars you check. We only read them: bookings go into your default calendar alone. Up to ${MAX_CONFLICT_CALENDARS} besides the default.</p>
${errorText('conflictCalendarIds', conflictError)}${conflicts}
</fieldset>`;
}
