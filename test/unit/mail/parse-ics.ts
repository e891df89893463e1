// Reads an iCalendar text back into properties, independently of ical-generator, so tests
// check what a calendar client would see rather than what the generator was told.

export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

export interface ParsedIcs {
  calendar: IcsProperty[];
  events: IcsProperty[][];
}

function unfold(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((line) => line !== '');
}

function parseLine(line: string): IcsProperty {
  // Parameter values may be quoted and hold ':' or ';', so walk the line instead of splitting.
  let i = 0;
  let inQuotes = false;
  while (i < line.length && (inQuotes || line[i] !== ':')) {
    if (line[i] === '"') inQuotes = !inQuotes;
    i++;
  }
  const head = line.slice(0, i);
  const value = line.slice(i + 1);
  const [name = '', ...rawParams] = head.match(/(?:[^;"]|"[^"]*")+/g) ?? [];
  const params: Record<string, string> = {};
  for (const param of rawParams) {
    const eq = param.indexOf('=');
    params[param.slice(0, eq).toUpperCase()] = param.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return { name: name.toUpperCase(), params, value };
}

export function parseIcs(text: string): ParsedIcs {
  const parsed: ParsedIcs = { calendar: [], events: [] };
  let event: IcsProperty[] | undefined;
  for (const property of unfold(text).map(parseLine)) {
    if (property.name === 'BEGIN' && property.value === 'VEVENT') event = [];
    else if (property.name === 'END' && property.value === 'VEVENT' && event) {
      parsed.events.push(event);
      event = undefined;
    } else (event ?? parsed.calendar).push(property);
  }
  return parsed;
}

export function prop(properties: IcsProperty[], name: string): IcsProperty {
  const found = properties.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`expected one ${name}, found ${found.length}`);
  return found[0] as IcsProperty;
}
