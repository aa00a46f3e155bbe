import fc from 'fast-check';

/**
 * A small OpenAPI 3.1 (JSON Schema 2020-12) → fast-check mapping for the fuzz suite: values
 * that follow a schema, hostile values that do not, and whole requests for one operation.
 * zod-fast-check does not support zod 4, and the documents are what clients see, so the
 * generated documents are the source, the way Schemathesis works.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export interface OpenApiDocument {
  paths: Record<string, Partial<Record<Method, OperationObject>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface OperationObject {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** One operation of a service's document, with everything needed to call it. */
export interface Operation {
  service: string;
  method: Method;
  /** OpenAPI path template, e.g. `/api/events/{id}`. */
  path: string;
  operationId: string;
  secured: boolean;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of a document, with `$ref`s resolved against its components. */
export function operationsOf(service: string, doc: OpenApiDocument): Operation[] {
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined => resolveRefs(s, doc.components?.schemas ?? {});
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = op.parameters ?? [];
      ops.push({
        service,
        method,
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        secured: (op.security?.length ?? 0) > 0,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema) ?? {} })),
        queryParams: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required === true, schema: resolve(p.schema) ?? {} })),
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
      });
    }
  }
  return ops;
}

function resolveRefs(schema: JsonSchema | undefined, components: Record<string, JsonSchema>, depth = 0): JsonSchema | undefined {
  if (!schema || depth > 20) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveRefs(components[name], components, depth + 1);
  }
  const out: JsonSchema = { ...schema };
  if (schema.items) out.items = resolveRefs(schema.items, components, depth + 1);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, resolveRefs(v, components, depth + 1) ?? {}]),
    );
  }
  if (typeof schema.additionalProperties === 'object')
    out.additionalProperties = resolveRefs(schema.additionalProperties, components, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (list) out[key] = list.map((s) => resolveRefs(s, components, depth + 1) ?? {});
  }
  return out;
}

// ------------------------------------------------------------------------------------ hostile

/** Strings that have broken real servers: NUL, unpaired surrogates, huge, odd Unicode, injection, edge dates. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\udc00\ud800',
    '',
    ' ',
    '\t\n\r',
    'e\u0301',
    '\u202etxt.exe',
    '\ufeff',
    '\uffff',
    '😀'.repeat(60),
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    "' or 1=1 --",
    '"; drop table users; --',
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    '%00',
    '%',
    '\\',
    '0000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '9999-12-31T23:59:59-23:59',
    '1899-12-31T23:59:59Z',
    '2026-02-30T10:00:00Z',
    'NaN',
    'Infinity',
    '-1',
    '1e309',
    '99999999999999999999999999',
    'null',
    'true',
    '[]',
    '{}',
    'usr_0000000000000000000000000',
    'evt_zzzzzzzzzzzzzzzzzzzzzzzzz',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 2, max: 5 }).map((k) => 'x'.repeat(10 ** k)),
  fc
    .string({ unit: 'binary', maxLength: 10 })
    .map((s) => Buffer.from(JSON.stringify({ id: `a\u0000${s}`, createdAt: '2026-01-01T00:00:00Z' })).toString('base64url')),
  fc
    .constantFrom(
      { startsAt: '0000-01-01T00:00:00.000Z', id: 'evt_x' },
      { createdAt: '0000-01-01T00:00:00.000Z', id: 'x' },
      { createdAt: '2026-01-01T00:00:00.000Z', id: '\u0000' },
      { seq: 1e300 },
      { seq: -1 },
      { id: ['x'] },
      [],
    )
    .map((k) => Buffer.from(JSON.stringify(k)).toString('base64url')),
);

/** Any JSON value of the wrong kind: numbers at the edges, booleans, null, arrays, objects, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.constantFrom(0, -1, 1.5, -0, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER, true, false, null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
  fc.constant(JSON.parse('['.repeat(60) + ']'.repeat(60)) as unknown),
  fc.jsonValue({ maxDepth: 3 }),
);

// ------------------------------------------------------------------------------------ valid

const INSTANT_MIN = new Date('1900-01-01T00:00:00.000Z');
const INSTANT_MAX = new Date('9999-12-31T23:59:59.999Z');

/** A value that follows `schema` (as far as a JSON Schema can say; zod refinements may still refuse it). */
export function valueOf(schema: JsonSchema, hints: Hints = {}, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((s) => valueOf(s, hints, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) return valueOf(Object.assign({}, ...schema.allOf) as JsonSchema, hints, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : inferType(schema);
  if (type.length > 1) return fc.oneof(...type.map((t) => valueOf({ ...schema, type: t }, hints, depth + 1)));
  switch (type[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
      const lo = Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER);
      const hi = Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER);
      return type[0] === 'integer' || lo > hi
        ? fc.integer({ min: Math.min(lo, hi), max: Math.max(lo, hi) })
        : fc.double({ min: lo, max: hi, noNaN: true });
    }
    case 'string':
      return stringOf(schema, hints);
    case 'array': {
      const items = schema.items ?? {};
      const maxLength = Math.min(schema.maxItems ?? 3, 3, depth > 3 ? 0 : 3);
      return fc.array(valueOf(items, hints, depth + 1), { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength });
    }
    case 'object':
      return objectOf(schema, hints, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Values the test knows exist, chosen instead of random ones most of the time so that requests
 * get past "no such event" into the rules behind it: by the id prefix a pattern starts with
 * (`evt_`), and by field name (`ticketToken`, `answers`).
 */
export interface Hints {
  byPrefix?: Record<string, readonly string[]>;
  byField?: Record<string, readonly unknown[]>;
  /** Per operation id, by field: values only that operation accepts (its own paging cursors). */
  byOperation?: Record<string, Record<string, readonly unknown[]>>;
}

function inferType(schema: JsonSchema): string[] {
  if (schema.properties || schema.additionalProperties !== undefined) return ['object'];
  if (schema.items) return ['array'];
  if (schema.pattern || schema.format || schema.maxLength !== undefined) return ['string'];
  return [];
}

function stringOf(schema: JsonSchema, hints: Hints): fc.Arbitrary<string> {
  const known = Object.entries(hints.byPrefix ?? {}).find(([prefix]) => schema.pattern?.startsWith(`^${prefix}`))?.[1];
  let generated: fc.Arbitrary<string>;
  if (schema.format === 'date-time') {
    generated = fc
      .date({ min: INSTANT_MIN, max: INSTANT_MAX, noInvalidDate: true })
      .map((d) => d.toISOString())
      .chain((iso) => fc.constantFrom(iso, iso.replace('Z', '+00:00'), iso.replace(/\.\d+Z$/, 'Z')));
    // Most events and windows are near now: dates around today reach the deeper rules.
    generated = fc.oneof(
      generated,
      fc.integer({ min: -30, max: 400 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString()),
    );
  } else if (schema.format === 'email') {
    generated = fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254));
  } else if (schema.format === 'uri') {
    generated = fc.webUrl({ validSchemes: ['https'] });
  } else if (schema.pattern) {
    generated = fc.stringMatching(new RegExp(schema.pattern));
  } else {
    const minLength = schema.minLength ?? 0;
    const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 60, 60));
    generated = fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
      fc.string({ unit: 'grapheme-ascii', minLength, maxLength }),
      // At the documented bound, where off-by-one and byte-length bugs live.
      fc.constant(schema.maxLength !== undefined ? 'é'.repeat(schema.maxLength) : 'é'),
    );
  }
  return known && known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, generated) : generated;
}

function objectOf(schema: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model = Object.fromEntries(
    Object.entries(props).map(([k, s]) => {
      const generated = valueOf(s, hints, depth + 1);
      const known = hints.byField?.[k];
      return [k, known && known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, generated) : generated];
    }),
  );
  const record = fc.record(model, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
  if (typeof schema.additionalProperties === 'object' && Object.keys(props).length === 0) {
    const keys = schema.propertyNames
      ? (valueOf(schema.propertyNames, hints, depth + 1) as fc.Arbitrary<string>)
      : fc.string({ maxLength: 10 });
    return fc.dictionary(keys, valueOf(schema.additionalProperties, hints, depth + 1), { maxKeys: 3 });
  }
  return record;
}

// ------------------------------------------------------------------------------------ requests

/** A concrete request: everything needed to send it and to print it when it fails. */
export interface FuzzRequest {
  method: Method;
  /** Path with parameters substituted and percent-encoded (or raw, when that is the test). */
  url: string;
  /** The JSON text sent, or undefined for no body. */
  body: string | undefined;
  identity: string;
  mutation: string;
}

/** Percent-encodes like a browser; an unpaired surrogate (which has no UTF-8 form) becomes bytes no decoder accepts. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(value, (ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    }).join('');
  }
}

function asParam(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Ways to spoil one string: NUL and unpaired surrogates spliced in, or (for instants) a year no database agrees on. */
const POISONS: ((s: string) => string)[] = [
  (s) => `${s.slice(0, s.length >> 1)}\u0000${s.slice(s.length >> 1)}`,
  (s) => `${s}\ud800`,
  (s) => `\udfff${s}`,
  (s) => (/^\d{4}-\d\d-\d\dT/.test(s) ? `0000${s.slice(4)}` : `${s}\u0000`),
  (s) => (/^\d{4}-\d\d-\d\dT/.test(s) ? `+275760${s.slice(4)}` : `${s}\udc00\ud800`),
];

/** Paths (`body.questions.*.label`) of the strings a schema leaves free: no enum, no pattern, no format but date-time. */
function freeTextPaths(schema: JsonSchema | undefined, prefix: string, depth = 0): string[] {
  if (!schema || depth > 8) return [];
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternatives) return alternatives.flatMap((a) => freeTextPaths(a, prefix, depth + 1));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : inferType(schema);
  const out: string[] = [];
  const isString = types.includes('string');
  if (isString && (schema.format === 'date-time' || (!schema.enum && !schema.pattern && schema.format === undefined))) out.push(prefix);
  for (const [k, v] of Object.entries(schema.properties ?? {})) out.push(...freeTextPaths(v, `${prefix}.${k}`, depth + 1));
  if (schema.items) out.push(...freeTextPaths(schema.items, `${prefix}.*`, depth + 1));
  if (typeof schema.additionalProperties === 'object') out.push(...freeTextPaths(schema.additionalProperties, `${prefix}.*`, depth + 1));
  return out;
}

function matches(path: string, pattern: string): boolean {
  const a = path.split('.');
  const b = pattern.split('.');
  return a.length === b.length && b.every((seg, i) => seg === '*' || seg === a[i]);
}

/** Every string in a value (object keys included), with a setter that replaces it in place. */
function stringLeaves(root: Record<string, unknown>, prefix = ''): { path: string; value: string; set(v: string): void }[] {
  const out: { path: string; value: string; set(v: string): void }[] = [];
  for (const [key, value] of Object.entries(root)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.push({ path, value, set: (v) => (root[key] = v) });
    else if (value !== null && typeof value === 'object') out.push(...stringLeaves(value as Record<string, unknown>, path));
    // Keys of free-form maps (registration answers) are strings that reach storage too.
    if (prefix.endsWith('answers')) {
      out.push({
        path: `${path}(key)`,
        value: key,
        set: (v) => {
          delete root[key];
          root[v] = value;
        },
      });
    }
  }
  return out;
}

/** Requests for one operation: valid ones, ones with one string poisoned, and ones with one part made hostile. */
export function requestsFor(op: Operation, identities: readonly string[], allHints: Hints): fc.Arbitrary<FuzzRequest> {
  const hints: Hints = { ...allHints, byField: { ...allHints.byField, ...allHints.byOperation?.[op.operationId] } };
  const withKnown = (name: string, generated: fc.Arbitrary<unknown>) => {
    const known = hints.byField?.[name];
    return known && known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, generated) : generated;
  };
  const pathArb = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, valueOf(p.schema, hints)])));
  // Optional query parameters are present two times in three, each on its own.
  const queryArb = fc
    .tuple(
      ...op.queryParams.map((p) =>
        p.required
          ? withKnown(p.name, valueOf(p.schema, hints))
          : fc.option(withKnown(p.name, valueOf(p.schema, hints)), { nil: undefined, freq: 3 }),
      ),
    )
    .map(
      (values) =>
        Object.fromEntries(op.queryParams.map((p, i) => [p.name, values[i]]).filter(([, v]) => v !== undefined)) as Record<string, unknown>,
    );
  const bodyArb = op.body ? valueOf(op.body, hints) : fc.constant(undefined);

  type Parts = { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown; mutation: string };
  const valid: fc.Arbitrary<Parts> = fc.record({ path: pathArb, query: queryArb, body: bodyArb }).map((p) => ({ ...p, mutation: 'valid' }));
  const freeText = [
    ...op.pathParams.flatMap((p) => freeTextPaths(p.schema, `path.${p.name}`)),
    ...op.queryParams.flatMap((p) => freeTextPaths(p.schema, `query.${p.name}`)),
    ...freeTextPaths(op.body, 'body'),
  ];
  // Exactly one string of an otherwise valid request is poisoned, so the request gets past every
  // other check and the poison reaches whatever code (or database) sits behind them.
  const poisoned: fc.Arbitrary<Parts> = fc.tuple(valid, fc.nat(), fc.constantFrom(...POISONS)).map(([p, pick, poison]) => {
    const copy = structuredClone({ path: p.path, query: p.query, body: p.body });
    const leaves = stringLeaves(copy);
    // Four times in five a free-text string or an instant (where storage bugs live), else any string.
    const free = leaves.filter((l) => l.path.endsWith('(key)') || freeText.some((pattern) => matches(l.path, pattern)));
    const pool = free.length > 0 && pick % 5 !== 0 ? free : leaves;
    const leaf = pool[Math.floor(pick / 5) % Math.max(pool.length, 1)];
    if (!leaf) return p;
    leaf.set(poison(leaf.value));
    return { ...copy, mutation: `poisoned ${leaf.path}` };
  });
  const targets: string[] = [
    ...op.pathParams.map((p) => `path.${p.name}`),
    ...op.queryParams.map((p) => `query.${p.name}`),
    ...(op.body ? ['body', ...Object.keys(op.body.properties ?? {}).map((k) => `body.${k}`), 'body.+unknown'] : ['query.+unknown']),
  ];
  const mutated: fc.Arbitrary<Parts> =
    targets.length === 0
      ? valid
      : fc.tuple(valid, fc.constantFrom(...targets), hostileValue).map(([p, target, bad]) => {
          const [where, field] = target.split('.') as ['path' | 'query' | 'body', string | undefined];
          const next: Parts = { path: { ...p.path }, query: { ...p.query }, body: p.body, mutation: `${target} hostile` };
          if (where === 'body' && field === undefined) next.body = bad;
          else if (where === 'body' && field !== undefined) {
            const base = p.body !== null && typeof p.body === 'object' && !Array.isArray(p.body) ? p.body : {};
            next.body = { ...base, [field === '+unknown' ? 'unexpected' : field]: bad };
          } else if (where === 'path' && field) next.path[field] = bad;
          else if (where === 'query' && field) next.query[field === '+unknown' ? 'unexpected' : field] = bad;
          return next;
        });

  return fc
    .tuple(
      fc.oneof({ weight: 1, arbitrary: valid }, { weight: 3, arbitrary: poisoned }, { weight: 2, arbitrary: mutated }),
      fc.constantFrom(...identities),
      fc.boolean(),
    )
    .map(([parts, identity, rawPath]) => {
      let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const v = asParam(parts.path[name]);
        // Sometimes unencoded: the router, not the validator, then meets `/`, `%` and `..`.
        return rawPath && parts.mutation !== 'valid' ? v.replace(/[^\x21-\x7e]|[?#]/gu, (c) => encode(c)) : encode(v);
      });
      const query = Object.entries(parts.query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encode(k)}=${encode(asParam(v))}`)
        .join('&');
      if (query) url += `?${query}`;
      const hasBody = op.body !== undefined || parts.mutation.startsWith('body');
      return {
        method: op.method,
        url,
        body: hasBody ? (JSON.stringify(parts.body) ?? 'null') : undefined,
        identity,
        mutation: parts.mutation,
      };
    });
}
