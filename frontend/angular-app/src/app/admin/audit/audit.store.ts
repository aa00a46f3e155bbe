import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Subscription, firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import {
  AuditApi,
  AuditEntry,
  AuditExportFormat,
  AuditFilter,
  AuditVerification,
} from './audit.api';

/** A file to hand to the browser: the export's bytes and its name. */
export interface AuditDownload {
  readonly blob: Blob;
  readonly fileName: string;
}

interface AuditState {
  readonly filter: AuditFilter;
  /** Null until the first page arrived. */
  readonly entries: readonly AuditEntry[] | null;
  readonly nextCursor: string | null;
  readonly loading: boolean;
  readonly error: string | null;
  readonly verification: AuditVerification | null;
  readonly verifying: boolean;
  readonly verifyError: string | null;
  readonly exporting: boolean;
}

const INITIAL: AuditState = {
  filter: {},
  entries: null,
  nextCursor: null,
  loading: false,
  error: null,
  verification: null,
  verifying: false,
  verifyError: null,
  exporting: false,
};

function fileNameOf(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1] ?? fallback;
}

/**
 * State of `/admin/audit`: the trail for the current filter a page at a time (a newer search
 * wins over an older one still loading), the result of verifying the chain, and exports.
 */
@Injectable()
export class AuditStore {
  private readonly api = inject(AuditApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly state = signal<AuditState>(INITIAL);
  private loadingPage: Subscription | undefined;

  readonly filter = computed(() => this.state().filter);
  readonly entries = computed(() => this.state().entries);
  readonly nextCursor = computed(() => this.state().nextCursor);
  readonly loading = computed(() => this.state().loading);
  readonly error = computed(() => this.state().error);
  readonly verification = computed(() => this.state().verification);
  readonly verifying = computed(() => this.state().verifying);
  readonly verifyError = computed(() => this.state().verifyError);
  readonly exporting = computed(() => this.state().exporting);

  /** Shows the first page for `filter`. */
  search(filter: AuditFilter): void {
    this.state.update((s) => ({ ...s, filter, entries: null, nextCursor: null }));
    this.loadPage(null);
  }

  /** Appends the next page of the current filter. */
  loadMore(): void {
    const cursor = this.state().nextCursor;
    if (cursor !== null && !this.state().loading) {
      this.loadPage(cursor);
    }
  }

  /** Verifies the chain between the current filter's instants (the whole chain without them). */
  async verify(): Promise<void> {
    const { from, to } = this.state().filter;
    this.state.update((s) => ({ ...s, verifying: true, verification: null, verifyError: null }));
    try {
      const verification = await firstValueFrom(this.api.verify({ from, to }));
      this.state.update((s) => ({ ...s, verification }));
    } catch (error) {
      this.state.update((s) => ({ ...s, verifyError: describeHttpError(error) }));
    } finally {
      this.state.update((s) => ({ ...s, verifying: false }));
    }
  }

  /** The current filter's entries as a file, or null (with the error shown) when it failed. */
  async export(format: AuditExportFormat): Promise<AuditDownload | null> {
    this.state.update((s) => ({ ...s, exporting: true, error: null }));
    try {
      const response = await firstValueFrom(this.api.export(this.state().filter, format));
      const fallback = `audit-${new Date().toISOString().slice(0, 10)}.${format}`;
      return {
        blob: response.body ?? new Blob([]),
        fileName: fileNameOf(response.headers.get('content-disposition'), fallback),
      };
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
      return null;
    } finally {
      this.state.update((s) => ({ ...s, exporting: false }));
    }
  }

  private loadPage(cursor: string | null): void {
    this.loadingPage?.unsubscribe();
    this.state.update((s) => ({ ...s, loading: true, error: null }));
    this.loadingPage = this.api
      .search(this.state().filter, cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) =>
          this.state.update((s) => ({
            ...s,
            entries: cursor !== null ? [...(s.entries ?? []), ...page.items] : page.items,
            nextCursor: page.nextCursor,
            loading: false,
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, error: describeHttpError(error), loading: false })),
      });
  }
}
