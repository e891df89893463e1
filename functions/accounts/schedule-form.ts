// The host's schedule on the settings page: the form's fields, what they are read into, and the
// fields as HTML. scheduleSchema (shared/store/subscribers.ts) decides what a schedule may be;
// this file only turns typed text into a candidate schedule and words the schema's answer for
// people (a day's overlapping ranges included: the schema refuses them for host files too).
//
// A day's hours are one text field ("09:00–12:00, 13:00–17:00") rather than rows of time inputs:
// with no script a page can only offer a fixed number of rows, where a line of text takes any
// number of ranges; seven labelled fields read well to a screen reader and fit a phone, and a
// problem is shown beside the one field it is in. What the host typed is given back as typed,
// which a time input cannot do for a time it could not read. Numbers are text fields with a
// numeric keyboard (inputmode), not type=number, which changes under a scroll wheel and whose
// typed text a browser drops when it cannot read it.
import escapeHtml from 'escape-html';
import { z } from 'zod';
import type { ScheduleChange } from '../../shared/accounts/settings';
import { scheduleSchema, WEEKDAYS, type Schedule } from '../../shared/store/subscribers';

type Weekday = (typeof WEEKDAYS)[number];
type DayField = `weekly-${Weekday}`;
type NumberField = 'slotMinutes' | 'bufferBeforeMinutes' | 'bufferAfterMinutes' | 'minNoticeHours' | 'maxDaysAhead' | 'guestChangeLimitHours';
export type ScheduleField = DayField | NumberField;

/** What the form posts, field by field: text as typed. */
export type ScheduleFormValues = Record<ScheduleField, string>;

/** A problem with one field of the settings form (its name is also its element's id). */
export interface FieldError {
  field: string;
  label: string;
  message: string;
}

export type ScheduleFormResult = { ok: true; schedule: ScheduleChange; values: ScheduleFormValues } | { ok: false; errors: FieldError[]; values: ScheduleFormValues };

const DAY_LABELS: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

const dayField = (day: Weekday): DayField => `weekly-${day}`;

interface NumberFieldText {
  label: string;
  unit: 'minutes' | 'hours' | 'days';
  hint: string;
}

/** In the order of the form. */
const NUMBER_FIELDS: Record<NumberField, NumberFieldText> = {
  slotMinutes: { label: 'Length of a booking', unit: 'minutes', hint: 'How long each meeting is.' },
  bufferBeforeMinutes: { label: 'Free time before each booking', unit: 'minutes', hint: 'Kept free before a meeting; 0 for none.' },
  bufferAfterMinutes: { label: 'Free time after each booking', unit: 'minutes', hint: 'Kept free after a meeting; 0 for none.' },
  minNoticeHours: { label: 'Minimum notice', unit: 'hours', hint: 'Guests cannot book a time sooner than this from now.' },
  maxDaysAhead: { label: 'How far ahead', unit: 'days', hint: 'Guests can book up to this many days from now.' },
  guestChangeLimitHours: { label: 'Guest changes', unit: 'hours', hint: 'Guests can cancel or move a booking with their link until this many hours before it starts.' },
};

const FIELDS: readonly ScheduleField[] = [...WEEKDAYS.map(dayField), ...(Object.keys(NUMBER_FIELDS) as NumberField[])];

/** The schedule's fields as the form posts them; a field left out keeps its current value. */
export const scheduleFormFields = z.object(Object.fromEntries(FIELDS.map((field) => [field, z.string().max(500).optional()])) as Record<ScheduleField, z.ZodOptional<z.ZodString>>);

const changeSchema = scheduleSchema.omit({ slug: true, autoConfirm: true });

/** The schedule as the form shows it. */
export function scheduleFormValues(schedule: Schedule): ScheduleFormValues {
  const days = WEEKDAYS.map((day) => [dayField(day), (schedule.weekly[day] ?? []).map((w) => `${w.start}–${w.end}`).join(', ')]);
  const numbers = (Object.keys(NUMBER_FIELDS) as NumberField[]).map((field) => [field, String(schedule[field])]);
  return Object.fromEntries([...days, ...numbers]) as ScheduleFormValues;
}

interface TypedWindow {
  start: string;
  end: string;
}

const RANGE_SEPARATOR = /[,;]/;
const DASH = /[-–—]/;

/** "9:05" → "09:05"; anything else is left for the schema to judge. */
function timeAsTyped(text: string): string {
  return /^\d:\d\d$/.test(text) ? `0${text}` : text;
}

/** A day's ranges as typed (empty items skipped), or why the text is not a list of ranges. */
function rangesOf(text: string): TypedWindow[] | string {
  const windows: TypedWindow[] = [];
  for (const item of text.split(RANGE_SEPARATOR).map((part) => part.trim())) {
    if (item === '') continue;
    const times = item.split(DASH).map((part) => part.trim());
    if (times.length !== 2) return `“${item}” is not a range: write each as 09:00–12:00`;
    windows.push({ start: timeAsTyped(times[0]!), end: timeAsTyped(times[1]!) });
  }
  return windows;
}

/**
 * A number as people type one, with a decimal comma as some phones' keypads offer ("1,5" is 1.5,
 * but "1,000" is no number: it could be a thousand); otherwise the text itself, which the schema
 * refuses as no number.
 */
function numberAsTyped(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(?:\.\d+|,\d{1,2})?$/.test(trimmed) ? Number(trimmed.replace(',', '.')) : trimmed;
}

/** The schema's answers in words for the field they are shown beside (its own messages are kept). */
const plainWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be a whole number';
      return issue.input === '' ? 'enter a number' : 'must be a number';
    default:
      return undefined;
  }
};

const rangeText = (w: TypedWindow) => `${w.start}–${w.end}`;

function labelOf(field: ScheduleField): string {
  return field.startsWith('weekly-') ? DAY_LABELS[field.slice('weekly-'.length) as Weekday] : NUMBER_FIELDS[field as NumberField].label;
}

/**
 * The posted form read into a schedule change, checked by scheduleSchema; or every field's first
 * problem, in the order of the form. A field the form does not carry keeps its value in `current`.
 */
export function parseScheduleForm(posted: Partial<ScheduleFormValues>, current: Schedule): ScheduleFormResult {
  const values: ScheduleFormValues = { ...scheduleFormValues(current), ...Object.fromEntries(Object.entries(posted).filter(([, v]) => v !== undefined)) };
  const problems = new Map<ScheduleField, string>();
  const weekly: Partial<Record<Weekday, TypedWindow[]>> = {};
  for (const day of WEEKDAYS) {
    const ranges = rangesOf(values[dayField(day)]);
    if (typeof ranges === 'string') problems.set(dayField(day), ranges);
    else if (ranges.length > 0) weekly[day] = ranges;
  }
  const numbers = Object.fromEntries((Object.keys(NUMBER_FIELDS) as NumberField[]).map((field) => [field, numberAsTyped(values[field])]));
  const checked = changeSchema.safeParse({ weekly, ...numbers }, { error: plainWords });
  for (const issue of checked.error?.issues ?? []) {
    const [key, day, index, end] = issue.path;
    const field = (key === 'weekly' ? dayField(day as Weekday) : key) as ScheduleField;
    const window = key === 'weekly' && typeof index === 'number' ? weekly[day as Weekday]?.[index] : undefined;
    const message = window ? `${rangeText(window)}: ${typeof end === 'string' ? `${end} ` : ''}${issue.message}` : issue.message;
    if (!problems.has(field)) problems.set(field, message);
  }
  if (problems.size > 0 || !checked.success) {
    const errors = FIELDS.flatMap((field) => {
      const message = problems.get(field);
      return message === undefined ? [] : [{ field, label: labelOf(field), message }];
    });
    return { ok: false, errors, values };
  }
  const schedule = checked.data;
  for (const day of WEEKDAYS) schedule.weekly[day]?.sort((a, b) => a.start.localeCompare(b.start));
  return { ok: true, schedule, values };
}

/** Limits as the schema sets them, for the hints ("5 to 480, in steps of 5"). */
let limits: Record<string, { minimum?: number; maximum?: number; multipleOf?: number }> | undefined;

function limitOf(field: NumberField): string {
  limits ??= z.toJSONSchema(changeSchema, { io: 'input', unrepresentable: 'any' }).properties as typeof limits;
  const { minimum, maximum, multipleOf } = limits?.[field] ?? {};
  if (minimum === undefined || maximum === undefined) return '';
  return ` From ${minimum} to ${maximum}${multipleOf ? `, in steps of ${multipleOf}` : ''}.`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** An error beside its field: what the field's aria-describedby names, so it is read with the field. */
function errorText(field: string, error: FieldError | undefined): string {
  return error ? `<p class="field-error" id="${field}-error"><span class="visually-hidden">Error: </span>${escapeHtml(capitalized(error.message))}</p>\n` : '';
}

/** The attributes that tie a field to its hint and its error. */
export function fieldAria(field: string, hintId: string | undefined, error: FieldError | undefined): string {
  const described = [hintId, error ? `${field}-error` : undefined].filter((id) => id !== undefined).join(' ');
  return `${described ? ` aria-describedby="${described}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
}

/** `inputmode` picks a phone's keypad for numbers; hours take the full keyboard (a numeric keypad has no ":" or ","). */
function textInput(field: ScheduleField, value: string, inputmode: 'numeric' | 'decimal' | undefined, hintId: string, error: FieldError | undefined): string {
  const keypad = inputmode ? ` inputmode="${inputmode}"` : '';
  return `<input type="text" id="${field}" name="${field}" value="${escapeHtml(value)}"${keypad} autocomplete="off" spellcheck="false"${fieldAria(field, hintId, error)}>`;
}

export interface ScheduleFieldsView {
  values: ScheduleFormValues;
  errors: FieldError[];
  /** The host's time zone, which the hours are in. */
  timezone: string;
}

/** The weekly hours and the booking rules, as two fieldsets of the settings form. */
export function renderScheduleFields({ values, errors, timezone }: ScheduleFieldsView): string {
  const errorOf = (field: ScheduleField) => errors.find((e) => e.field === field);
  const days = WEEKDAYS.map((day) => {
    const field = dayField(day);
    return `<label for="${field}">${DAY_LABELS[day]}</label>
${errorText(field, errorOf(field))}${textInput(field, values[field], undefined, 'weekly-hint', errorOf(field))}`;
  }).join('\n');
  const numbers = (Object.entries(NUMBER_FIELDS) as [NumberField, NumberFieldText][]).map(([field, text]) => {
    const inputmode = field === 'minNoticeHours' || field === 'guestChangeLimitHours' ? 'decimal' : 'numeric';
    return `<label for="${field}">${escapeHtml(text.label)} <span class="hint">(${text.unit})</span></label>
<p class="hint" id="${field}-hint">${escapeHtml(text.hint + limitOf(field))}</p>
${errorText(field, errorOf(field))}${textInput(field, values[field], inputmode, `${field}-hint`, errorOf(field))}`;
  }).join('\n');
  return `<fieldset>
<legend>Weekly hours</legend>
<p class="hint" id="weekly-hint">When guests can book you, in your time zone (${escapeHtml(timezone)}), in 24-hour time. Several ranges are separated by commas, like 09:00–12:00, 13:00–17:00. Leave a day empty when you take no bookings.</p>
${days}
</fieldset>
<fieldset>
<legend>Bookings</legend>
${numbers}
</fieldset>`;
}
