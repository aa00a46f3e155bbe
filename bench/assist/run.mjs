#!/usr/bin/env node
// Quality bench for the event-draft assistant: runs every case in cases.mjs through the local
// extractor (and through the OpenAI-compatible provider when AI_BASE_URL is set) and prints
// field-level precision, recall and F1 per field, per group and overall, plus precision on absent
// fields (1.0 means nothing was invented). Needs a build: `npm run build:backend`.
//   node bench/assist/run.mjs [--verbose] [--case N]
import { cases, DEFAULT_TIME_ZONE, REFERENCE_TIME } from './cases.mjs';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const only = args.includes('--case') ? Number(args[args.indexOf('--case') + 1]) : undefined;
const { extractLocally, createOpenAiProvider } = await import('../../backend/event-service/dist/assist/index.js');

const DATE_FIELDS = ['startsAt', 'endsAt', 'timeZone', 'registrationOpensAt', 'registrationClosesAt'];
const OTHER_FIELDS = ['title', 'venue', 'onlineUrl', 'capacity', 'visibility', 'tags', 'questions'];
const tokens = (s) =>
  new Set(
    String(s)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}&]+/gu, ' ')
      .trim()
      .split(/\s+/)
      .filter((t) => t && t !== 'the'),
  );
const jaccard = (a, b) => {
  const [x, y] = [tokens(a), tokens(b)];
  const inter = [...x].filter((t) => y.has(t)).length;
  return inter / (x.size + y.size - inter || 1);
};
/** Scalar fields: one item each. Sets (tags, question kinds): one item per element. */
function compare(field, expected, actual) {
  if (field === 'tags' || field === 'questions') {
    const e = new Set(expected ?? []);
    const a = new Set((actual ?? []).map((v) => (field === 'questions' ? v.id : v)));
    const tp = [...a].filter((v) => e.has(v)).length;
    return { tp, fp: a.size - tp, fn: e.size - tp };
  }
  const has = (v) => v !== undefined && v !== null && v !== '';
  if (!has(expected) && !has(actual)) return { tp: 0, fp: 0, fn: 0 };
  if (!has(expected)) return { tp: 0, fp: 1, fn: 0 };
  if (!has(actual)) return { tp: 0, fp: 0, fn: 1 };
  let ok;
  if (field.endsWith('At')) ok = Date.parse(expected) === Date.parse(actual);
  else if (field === 'title') ok = jaccard(expected, actual) >= 0.5;
  else if (field === 'venue') ok = jaccard(expected, actual) >= 0.6;
  else ok = expected === actual;
  return ok ? { tp: 1, fp: 0, fn: 0 } : { tp: 0, fp: 1, fn: 1 };
}

async function score(name, run, pick = () => true) {
  const totals = Object.fromEntries([...DATE_FIELDS, ...OTHER_FIELDS].map((f) => [f, { tp: 0, fp: 0, fn: 0 }]));
  let absent = 0;
  let invented = 0;
  const failures = [];
  for (const [i, c] of cases.entries()) {
    if (only !== undefined && only !== i + 1) continue;
    if (!pick(c)) continue;
    const { draft, warnings } = await run(c);
    for (const field of [...DATE_FIELDS, ...OTHER_FIELDS]) {
      const r = compare(field, c.expect[field], draft[field]);
      for (const k of ['tp', 'fp', 'fn']) totals[field][k] += r[k];
      const expectedAbsent = c.expect[field] === undefined || (Array.isArray(c.expect[field]) && c.expect[field].length === 0);
      if (expectedAbsent) {
        absent++;
        const actual = draft[field];
        if (actual !== undefined && !(Array.isArray(actual) && actual.length === 0)) invented++;
      }
      if (r.fp || r.fn) failures.push({ case: i + 1, name: c.name, field, expected: c.expect[field], actual: draft[field] });
    }
    for (const field of c.warnings ?? []) {
      if (!warnings.some((w) => w.field === field))
        failures.push({ case: i + 1, name: c.name, field: `warning on ${field}`, expected: 'a warning', actual: warnings });
    }
    if (verbose) console.log(JSON.stringify({ case: i + 1, draft, warnings }, null, 1));
  }
  const prf = ({ tp, fp, fn }) => {
    const p = tp + fp ? tp / (tp + fp) : 1;
    const r = tp + fn ? tp / (tp + fn) : 1;
    return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
  };
  const sum = (fields) =>
    fields.reduce((acc, f) => ({ tp: acc.tp + totals[f].tp, fp: acc.fp + totals[f].fp, fn: acc.fn + totals[f].fn }), {
      tp: 0,
      fp: 0,
      fn: 0,
    });
  const fmt = (x) => x.toFixed(3);
  console.log(`\n== ${name}: ${only ? 1 : cases.filter(pick).length} cases`);
  console.log('field'.padEnd(22), 'precision', 'recall', '   F1');
  for (const f of [...DATE_FIELDS, ...OTHER_FIELDS]) {
    const { p, r, f1 } = prf(totals[f]);
    console.log(f.padEnd(22), fmt(p).padStart(9), fmt(r).padStart(6), fmt(f1).padStart(6));
  }
  const dates = prf(sum(DATE_FIELDS));
  const other = prf(sum(OTHER_FIELDS));
  const all = prf(sum([...DATE_FIELDS, ...OTHER_FIELDS]));
  console.log(`dates/times/time zone F1 ${fmt(dates.f1)} (target ≥ 0.9)`);
  console.log(`everything else       F1 ${fmt(other.f1)} (target ≥ 0.8)`);
  console.log(`overall               F1 ${fmt(all.f1)}`);
  console.log(
    `precision on absent fields ${fmt(absent ? (absent - invented) / absent : 1)} (${invented} invented of ${absent}; target 1.0)`,
  );
  if (failures.length) {
    console.log(`misses (${failures.length}):`);
    for (const f of failures)
      console.log(`  #${f.case} ${f.field}: expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.actual)}`);
  }
}

const reference = new Date(REFERENCE_TIME);
const local = async (c) => extractLocally(c.text, { timeZone: c.timeZone ?? DEFAULT_TIME_ZONE, referenceTime: reference });
await score('local extractor, all cases', local);
await score('local extractor, held-out cases only', local, (c) => c.heldOut === true);
if (process.env.AI_BASE_URL) {
  const provider = createOpenAiProvider({
    baseUrl: process.env.AI_BASE_URL,
    apiKey: process.env.AI_API_KEY,
    model: process.env.AI_MODEL ?? 'gpt-4o-mini',
    timeoutMs: Number(process.env.AI_TIMEOUT_MS ?? 30_000),
    maxTokens: 1500,
  });
  await score(`provider ${provider.name}`, (c) =>
    provider.draft(c.text, { timeZone: c.timeZone ?? DEFAULT_TIME_ZONE, referenceTime: reference }),
  );
}
