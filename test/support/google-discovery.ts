// Google's Calendar v3 discovery document (test/fixtures/google) as a checker: which methods exist,
// at which HTTP method and path, with which parameters, and whether a JSON body is what a method's
// schema describes. Problems come back as sentences (empty = conforms), so a test shows them all.
//
// The discovery format ("API Discovery Service", RestDescription): schemas are JSON-Schema-like
// (`type`, `format`, `properties`, `additionalProperties`, `items`, `$ref`); 64-bit integers travel
// as strings (`format: int64`); a schema's `kind` default is the value Google sends. The Calendar
// document gives a parameter's values as `enum` but a field's as a "Possible values are:" list in
// its description, so both are read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiscoverySchema {
  id?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'any';
  $ref?: string;
  format?: string;
  enum?: string[];
  default?: string;
  description?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
}

export interface DiscoveryParameter extends DiscoverySchema {
  location: 'path' | 'query';
  required?: boolean;
  repeated?: boolean;
  minimum?: string;
  maximum?: string;
}

export interface DiscoveryMethod {
  /** e.g. `calendar.events.list` */
  id: string;
  httpMethod: string;
  /** Relative to the service path, e.g. `calendars/{calendarId}/events`. */
  path: string;
  /** Absent on methods that take none (`channels.stop`, `freebusy.query`). */
  parameters?: Record<string, DiscoveryParameter>;
  request?: { $ref: string };
  response?: { $ref: string };
  /** The OAuth scopes that allow the method: a token needs one of them. */
  scopes?: string[];
}

export interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

export interface RestDescription {
  revision: string;
  servicePath: string;
  parameters: Record<string, DiscoveryParameter>;
  resources: Record<string, DiscoveryResource>;
  schemas: Record<string, DiscoverySchema>;
}

/** Requests carry what the caller sets; responses also carry the server's `kind` and `etag`. */
type Direction = 'request' | 'response';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER_TEXT = /^-?\d+$/;
/** RFC 9110 entity-tag: a quoted string, optionally weak. */
const ENTITY_TAG = /^(W\/)?"[^"]*"$/;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validDate(text: string): boolean {
  return !Number.isNaN(Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text));
}

/** The values a description lists after "Possible values are:" (`- "value" - meaning` lines). */
function documentedValues(schema: DiscoverySchema): string[] | undefined {
  if (schema.enum) return schema.enum;
  const [, list] = (schema.description ?? '').split('Possible values are:');
  if (list === undefined) return undefined;
  const values = [...list.matchAll(/^\s*- "([^"]+)"/gm)].map((match) => match[1] as string);
  return values.length > 0 ? values : undefined;
}

export class Discovery {
  readonly revision: string;
  private readonly allMethods: DiscoveryMethod[] = [];

  constructor(private readonly document: RestDescription) {
    this.revision = document.revision;
    const collect = (resources: Record<string, DiscoveryResource>): void => {
      for (const resource of Object.values(resources)) {
        this.allMethods.push(...Object.values(resource.methods ?? {}));
        collect(resource.resources ?? {});
      }
    };
    collect(document.resources);
  }

  get servicePath(): string {
    return this.document.servicePath;
  }

  methods(): readonly DiscoveryMethod[] {
    return this.allMethods;
  }

  method(id: string): DiscoveryMethod {
    const found = this.allMethods.find((method) => method.id === id);
    if (!found) throw new Error(`the discovery document has no method ${id}`);
    return found;
  }

  /**
   * The method a request is for: its HTTP method and a path relative to the service path (each
   * `{name}` of a template stands for one segment). A literal segment wins over a parameter, as
   * `events/import` is `events.import` and not `events.get` of an event called "import".
   */
  methodAt(httpMethod: string, path: string): DiscoveryMethod | undefined {
    const segments = path.split('/').filter((segment) => segment !== '');
    let best: { method: DiscoveryMethod; literals: number } | undefined;
    for (const method of this.allMethods) {
      if (method.httpMethod !== httpMethod.toUpperCase()) continue;
      const template = method.path.split('/');
      if (template.length !== segments.length) continue;
      let literals = 0;
      const fits = template.every((part, index) => {
        if (/^\{[^}]+\}$/.test(part)) return true;
        literals += 1;
        return part === segments[index];
      });
      if (fits && (!best || literals > best.literals)) best = { method, literals };
    }
    return best?.method;
  }

  /** Whether a response body is the method's response schema (no body for a method without one). */
  responseProblems(methodId: string, body: unknown): string[] {
    const method = this.method(methodId);
    if (!method.response) return body === undefined || body === '' ? [] : [`${methodId} has no response body, got ${JSON.stringify(body)}`];
    return this.schemaProblems(method.response.$ref, body, 'response');
  }

  /** Whether a request body is the method's request schema. */
  requestProblems(methodId: string, body: unknown): string[] {
    const method = this.method(methodId);
    if (!method.request) return body === undefined || body === '' ? [] : [`${methodId} takes no request body, got ${JSON.stringify(body)}`];
    return this.schemaProblems(method.request.$ref, body, 'request');
  }

  /** Whether every query parameter is one the method (or every method) lists, with a value of its type. */
  queryProblems(methodId: string, query: URLSearchParams): string[] {
    const method = this.method(methodId);
    const problems: string[] = [];
    for (const name of new Set(query.keys())) {
      const parameter = method.parameters?.[name] ?? this.document.parameters[name];
      if (!parameter || parameter.location !== 'query') {
        problems.push(`${name} is not a query parameter of ${methodId}`);
        continue;
      }
      const values = query.getAll(name);
      if (values.length > 1 && !parameter.repeated) problems.push(`${name} is given ${values.length} times but is not repeated in ${methodId}`);
      for (const value of values) problems.push(...this.parameterValueProblems(`${methodId}?${name}`, parameter, value));
    }
    for (const [name, parameter] of Object.entries(method.parameters ?? {})) {
      if (parameter.location === 'query' && parameter.required && !query.has(name)) problems.push(`${methodId} requires ${name}`);
    }
    return problems;
  }

  schemaProblems(schemaName: string, value: unknown, direction: Direction = 'response'): string[] {
    const problems: string[] = [];
    this.check({ $ref: schemaName }, value, schemaName, direction, problems);
    return problems;
  }

  private resolve(schema: DiscoverySchema): DiscoverySchema {
    if (!schema.$ref) return schema;
    const target = this.document.schemas[schema.$ref];
    if (!target) throw new Error(`the discovery document has no schema ${schema.$ref}`);
    return target;
  }

  private check(declared: DiscoverySchema, value: unknown, where: string, direction: Direction, problems: string[]): void {
    const schema = this.resolve(declared);
    switch (schema.type) {
      case 'any':
        return;
      case 'object':
        return this.checkObject(schema, value, where, direction, problems);
      case 'array':
        if (!Array.isArray(value)) return void problems.push(`${where}: expected an array, got ${JSON.stringify(value)}`);
        value.forEach((item, index) => this.check(schema.items ?? { type: 'any' }, item, `${where}[${index}]`, direction, problems));
        return;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${where}: expected a boolean, got ${JSON.stringify(value)}`);
        return;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) return void problems.push(`${where}: expected an integer, got ${JSON.stringify(value)}`);
        if (schema.format === 'int32' && (value < INT32.min || value > INT32.max)) problems.push(`${where}: ${value} is not an int32`);
        if (schema.format === 'uint32' && (value < 0 || value > 2 ** 32 - 1)) problems.push(`${where}: ${value} is not a uint32`);
        return;
      case 'number':
        if (typeof value !== 'number') problems.push(`${where}: expected a number, got ${JSON.stringify(value)}`);
        return;
      case 'string':
        if (typeof value !== 'string') return void problems.push(`${where}: expected a string, got ${JSON.stringify(value)}`);
        problems.push(...this.stringProblems(where, schema, value));
        return;
      default:
        problems.push(`${where}: the discovery schema has no type this checker knows (${String(schema.type)})`);
    }
  }

  private checkObject(schema: DiscoverySchema, value: unknown, where: string, direction: Direction, problems: string[]): void {
    if (!isObject(value)) return void problems.push(`${where}: expected an object, got ${JSON.stringify(value)}`);
    const properties = schema.properties ?? {};
    for (const [name, field] of Object.entries(value)) {
      const declared = properties[name] ?? schema.additionalProperties;
      if (!declared) {
        problems.push(`${where}.${name}: not a property of ${schema.id ?? 'this object'}`);
        continue;
      }
      this.check(declared, field, `${where}.${name}`, direction, problems);
    }
    if (direction === 'request') return;
    const kind = properties.kind?.default;
    if (kind !== undefined && value.kind !== kind) problems.push(`${where}.kind: expected "${kind}", got ${JSON.stringify(value.kind)}`);
    if (properties.etag !== undefined && value.etag === undefined) problems.push(`${where}.etag: missing (Google sends one on ${schema.id ?? 'this object'})`);
    if (typeof value.etag === 'string' && !ENTITY_TAG.test(value.etag)) problems.push(`${where}.etag: ${value.etag} is not a quoted entity tag`);
  }

  private stringProblems(where: string, schema: DiscoverySchema, value: string): string[] {
    const problems: string[] = [];
    switch (schema.format) {
      case undefined:
        break;
      case 'date-time':
        if (!RFC3339.test(value) || !validDate(value)) problems.push(`${where}: ${value} is not an RFC 3339 date-time`);
        break;
      case 'date':
        if (!FULL_DATE.test(value) || !validDate(value)) problems.push(`${where}: ${value} is not a date (YYYY-MM-DD)`);
        break;
      case 'int64':
      case 'uint64':
        if (!INTEGER_TEXT.test(value)) problems.push(`${where}: ${value} is not a ${schema.format} written as a string`);
        break;
      default:
        problems.push(`${where}: format ${schema.format} is not one this checker knows`);
    }
    const values = documentedValues(schema);
    if (values && !values.includes(value)) problems.push(`${where}: "${value}" is not one of ${values.join(', ')}`);
    return problems;
  }

  private parameterValueProblems(where: string, parameter: DiscoveryParameter, value: string): string[] {
    switch (parameter.type) {
      case 'boolean':
        return value === 'true' || value === 'false' ? [] : [`${where}: ${value} is not a boolean`];
      case 'integer': {
        if (!INTEGER_TEXT.test(value)) return [`${where}: ${value} is not an integer`];
        const number = Number(value);
        if (parameter.minimum !== undefined && number < Number(parameter.minimum)) return [`${where}: ${value} is below ${parameter.minimum}`];
        if (parameter.maximum !== undefined && number > Number(parameter.maximum)) return [`${where}: ${value} is above ${parameter.maximum}`];
        return [];
      }
      default:
        return this.stringProblems(where, parameter, value);
    }
  }
}

const FIXTURE = join(__dirname, '..', 'fixtures', 'google', 'calendar-v3-discovery.json');
let loaded: Discovery | undefined;

/** The vendored Calendar v3 discovery document (see test/fixtures/google/README.md), read once. */
export function calendarDiscovery(): Discovery {
  loaded ??= new Discovery(JSON.parse(readFileSync(FIXTURE, 'utf8')) as RestDescription);
  return loaded;
}
