// The .ics files the mail sink received, read by two independent real parsers: Mozilla's ical.js
// (Thunderbird's) and Python's icalendar (Debian's python3-icalendar, as CI installs it). A file
// either one refuses, or that they read differently, fails the test; then the iTIP rules
// (RFC 5545 / 5546) are checked on what they read, across the messages of one booking.
import { spawnSync } from 'node:child_process';
import ICAL from 'ical.js';
import type { SinkMessage } from './system';

/** One calendar attachment as both parsers agree it reads. */
export interface CalendarMessage {
  /** The attachment's MIME type as sent. */
  type: string;
  method: string;
  uid: string;
  sequence: number;
  status: string;
  dtstampUtc: boolean;
  start: string;
  end: string;
  organizer: string;
  attendees: string[];
}

type Reading = Omit<CalendarMessage, 'type'>;

// The Python on PATH may be a pyenv one without Debian's packages.
const PYTHON = '/usr/bin/python3';

// Reads a JSON list of .ics texts on stdin; prints one reading (or the error) per file.
const PYTHON_READER = String.raw`
import json, sys
from datetime import timedelta
try:
    import icalendar
except ImportError as error:
    print(json.dumps({"missing": str(error)}))
    sys.exit(0)

def utc(dt):
    return dt.tzinfo is not None and dt.utcoffset() == timedelta(0)

def read(text):
    calendar = icalendar.Calendar.from_ical(text)
    problems = [f"{c.name}: {e}" for c in calendar.walk() for e in getattr(c, "errors", [])]
    if problems:
        return {"error": "; ".join(problems)}
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        return {"error": f"{len(events)} VEVENTs"}
    event = events[0]
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    return {
        "method": str(calendar.get("METHOD", "")),
        "uid": str(event.get("UID", "")),
        "sequence": int(event.get("SEQUENCE", 0)),
        "status": str(event.get("STATUS", "")),
        "dtstampUtc": utc(event["DTSTAMP"].dt) if "DTSTAMP" in event else False,
        "start": event["DTSTART"].dt.isoformat(),
        "end": event["DTEND"].dt.isoformat(),
        "organizer": str(event.get("ORGANIZER", "")).lower(),
        "attendees": [str(a).lower() for a in attendees],
    }

readings = []
for text in json.load(sys.stdin):
    try:
        readings.append(read(text))
    except Exception as error:
        readings.append({"error": f"{type(error).__name__}: {error}"})
print(json.dumps({"readings": readings}))
`;

function readWithPython(texts: string[]): Reading[] {
  const run = spawnSync(PYTHON, ['-c', PYTHON_READER], { input: JSON.stringify(texts), encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`${PYTHON} could not run (${run.error?.message ?? run.stderr}): the .ics checks need Debian's Python with python3-icalendar`);
  }
  const answer = JSON.parse(run.stdout) as { missing?: string; readings?: (Reading | { error: string })[] };
  if (answer.missing !== undefined) {
    throw new Error(`Python's icalendar is missing (${answer.missing}): apt-get install -y python3-icalendar (.ci/run installs it)`);
  }
  return (answer.readings ?? []).map((reading, i) => {
    if ('error' in reading) throw new Error(`Python's icalendar refused .ics #${i}: ${reading.error}\n${texts[i]}`);
    return { ...reading, start: new Date(reading.start).toISOString(), end: new Date(reading.end).toISOString() };
  });
}

function readWithIcalJs(text: string, i: number): Reading {
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new Error(`ical.js refused .ics #${i}: ${String(error)}\n${text}`, { cause: error });
  }
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length !== 1) throw new Error(`ical.js found ${events.length} VEVENTs in .ics #${i}`);
  const event = events[0]!;
  const value = (name: string): string => String(event.getFirstPropertyValue(name) ?? '');
  const time = (name: string): ICAL.Time => event.getFirstPropertyValue(name) as ICAL.Time;
  const dtstamp = event.getFirstPropertyValue('dtstamp') as ICAL.Time | null;
  return {
    method: String(calendar.getFirstPropertyValue('method') ?? ''),
    uid: value('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence') ?? 0),
    status: value('status'),
    dtstampUtc: !!dtstamp && dtstamp.zone === ICAL.Timezone.utcTimezone,
    start: time('dtstart').toJSDate().toISOString(),
    end: time('dtend').toJSDate().toISOString(),
    organizer: value('organizer').toLowerCase(),
    attendees: event.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()),
  };
}

/** Every .ics attachment of these messages, in order, as both parsers read it (they must agree). */
export function readCalendarMessages(messages: SinkMessage[]): CalendarMessage[] {
  const files = messages.flatMap((m) => (m.attachments ?? []).filter((a) => a.type.startsWith('text/calendar') || a.filename.endsWith('.ics')));
  const texts = files.map((a) => Buffer.from(a.content, 'base64').toString('utf8'));
  const python = readWithPython(texts);
  return texts.map((text, i) => {
    const mozilla = readWithIcalJs(text, i);
    expect({ file: i, ...python[i] }).toEqual({ file: i, ...mozilla });
    return { type: files[i]!.type, ...mozilla };
  });
}

const STATUSES_BY_METHOD: Record<string, string[]> = { REQUEST: ['TENTATIVE', 'CONFIRMED'], CANCEL: ['CANCELLED'] };
const MAILTO = /^mailto:[^@\s]+@[^@\s]+$/;

/**
 * The iTIP rules across one booking's messages, in the order they were sent: one UID, SEQUENCE
 * strictly increasing, DTSTAMP in UTC, ORGANIZER and ATTENDEE present, STATUS matching METHOD,
 * and the MIME type naming the METHOD (RFC 6047 §2.4). Fails listing every rule broken.
 */
export function expectItipRules(messages: CalendarMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  const problems: string[] = [];
  messages.forEach((message, i) => {
    const broken = (rule: string) => problems.push(`.ics #${i} (METHOD:${message.method} SEQUENCE:${message.sequence}): ${rule}`);
    if (message.uid !== messages[0]!.uid) broken(`UID ${message.uid} is not the booking's ${messages[0]!.uid}`);
    if (i > 0 && message.sequence <= messages[i - 1]!.sequence) broken(`SEQUENCE is not higher than the message before (${messages[i - 1]!.sequence})`);
    if (message.type !== `text/calendar; method=${message.method}`) broken(`MIME type ${message.type} does not name the METHOD`);
    if (!message.dtstampUtc) broken('DTSTAMP is not in UTC');
    if (!MAILTO.test(message.organizer)) broken(`ORGANIZER ${message.organizer || 'missing'}`);
    if (message.attendees.length === 0 || !message.attendees.every((a) => MAILTO.test(a))) broken(`ATTENDEE ${message.attendees.join(', ') || 'missing'}`);
    if (!(STATUSES_BY_METHOD[message.method] ?? []).includes(message.status)) broken(`STATUS:${message.status} does not go with METHOD:${message.method}`);
  });
  expect(problems).toEqual([]);
}
