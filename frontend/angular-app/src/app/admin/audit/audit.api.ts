import { HttpClient, HttpParams, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AuditEntryDto, AuditStatsDto } from '@secureevent/contracts';
import { Observable } from 'rxjs';

export type AuditEntry = AuditEntryDto;
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** The filters of `GET /api/audit` and `GET /api/audit/export` (all optional). */
export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly subject?: string;
  /** The message type, e.g. `checkin.recorded.v1`. */
  readonly type?: string;
  readonly outcome?: AuditOutcome;
  /** Occurred at or after (an ISO instant). */
  readonly from?: string;
  /** Occurred before (an ISO instant). */
  readonly to?: string;
  /** Text in the action, type, subject or actor. */
  readonly q?: string;
}

export interface AuditPage {
  readonly items: AuditEntry[];
  readonly nextCursor: string | null;
}

/** `GET /api/audit/verify`: whether the hash chain (or the part asked for) is intact. */
export interface AuditVerification {
  readonly valid: boolean;
  readonly entries: number;
  readonly firstBrokenSeq: number | null;
  readonly fromSeq: number | null;
  readonly toSeq: number | null;
  readonly durationMs: number;
}

/** `GET /api/audit/stats`: exact counts per bucket, action, outcome and message type. */
export type AuditStats = AuditStatsDto;

/** What `GET /api/audit/stats` counts: `[from, to)` in buckets of the time zone `tz`. */
export interface AuditStatsQuery {
  readonly from: string;
  readonly to: string;
  readonly bucket: 'hour' | 'day' | 'week' | 'month';
  readonly tz: string;
}

export type AuditExportFormat = 'ndjson' | 'csv';

function filterParams(filter: AuditFilter | AuditStatsQuery): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === 'string' && value !== '') {
      params = params.set(key, value);
    }
  }
  return params;
}

/** HTTP access to the audit-service (every route is for admins only; the API enforces it). */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  /** Entries matching `filter`, newest first, `limit` at a time (keyset-paged by `cursor`). */
  search(filter: AuditFilter, cursor: string | null = null, limit = 50): Observable<AuditPage> {
    let params = filterParams(filter).set('limit', limit);
    if (cursor !== null) {
      params = params.set('cursor', cursor);
    }
    return this.http.get<AuditPage>('/api/audit', { params });
  }

  /** Entries counted by the audit-service per bucket, action, outcome and type (exact at any volume). */
  stats(query: AuditStatsQuery): Observable<AuditStats> {
    return this.http.get<AuditStats>('/api/audit/stats', { params: filterParams(query) });
  }

  /** Verifies the chain, whole or between two instants. */
  verify(range: { from?: string; to?: string } = {}): Observable<AuditVerification> {
    return this.http.get<AuditVerification>('/api/audit/verify', { params: filterParams(range) });
  }

  /** The entries matching `filter` as a file, with the signed chain head (fetched with the token). */
  export(filter: AuditFilter, format: AuditExportFormat): Observable<HttpResponse<Blob>> {
    return this.http.get('/api/audit/export', {
      params: filterParams(filter).set('format', format),
      responseType: 'blob',
      observe: 'response',
    });
  }
}
