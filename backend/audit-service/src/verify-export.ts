#!/usr/bin/env node
/**
 * Offline verification of an audit export:
 *   node backend/audit-service/dist/verify-export.js export.ndjson --jwks https://host/api/audit/.well-known/jwks.json
 *   node backend/audit-service/dist/verify-export.js export.csv --jwks jwks.json --head "$(cat head.jws)"
 * `--jwks` is a URL or a file holding the audit-service's public keys; a CSV export needs the
 * signed head from its `Audit-Chain-Head` response header. Prints "valid" or the first bad
 * sequence number; exits 0 when valid, 1 when not, 2 on a usage error.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { verifyCsvExport, verifyNdjsonExport, type ExportVerdict } from './trail/verify-export.js';

async function loadJwks(where: string): Promise<JSONWebKeySet> {
  if (/^https?:\/\//.test(where)) {
    const res = await fetch(where);
    if (!res.ok) throw new Error(`fetching ${where} answered ${res.status}`);
    return (await res.json()) as JSONWebKeySet;
  }
  return JSON.parse(readFileSync(where, 'utf8')) as JSONWebKeySet;
}

async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { jwks: { type: 'string' }, head: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const [file] = args.positionals;
  if (!file || !args.values.jwks) {
    process.stderr.write('usage: verify-export.js FILE.ndjson|FILE.csv --jwks URL|FILE [--head SIGNED_HEAD for CSV]\n');
    return 2;
  }
  const keys = await loadJwks(args.values.jwks);
  let verdict: ExportVerdict;
  if (file.endsWith('.csv')) {
    if (!args.values.head) {
      process.stderr.write('a CSV export needs --head: the Audit-Chain-Head header it was served with\n');
      return 2;
    }
    verdict = await verifyCsvExport(createReadStream(file), args.values.head, keys);
  } else {
    verdict = await verifyNdjsonExport(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), keys);
  }
  if (verdict.valid) {
    process.stdout.write(
      `valid: ${verdict.entries} entries, head seq ${verdict.head.lastSeq ?? '-'} hash ${verdict.head.lastHash ?? '-'}\n`,
    );
    return 0;
  }
  process.stdout.write(
    `invalid: ${verdict.firstBadSeq === null ? '' : `first bad sequence number ${verdict.firstBadSeq}: `}${verdict.reason}\n`,
  );
  return 1;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`verify-export: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
