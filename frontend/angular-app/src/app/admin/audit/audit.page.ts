import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { TranslocoPipe } from '@jsverse/transloco';

import { firstErrorMessage } from '../../forms/server-errors';
import { I18n } from '../../i18n/i18n';
import { PluralPipe } from '../../i18n/plural.pipe';
import { AuditExportFormat, AuditFilter, AuditOutcome } from './audit.api';
import { changesOf, dataText, localToInstant } from './audit-entry';
import { AuditStore } from './audit.store';

const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

/**
 * `/admin/audit`: the audit trail, searchable by the filters of `GET /api/audit`; each entry
 * opens to its data and, when it records a change, a before/after table. "Verify chain" checks
 * the hash chain (for the filter's time range, or whole) and "Export" downloads the current
 * filter's entries with their signed chain head. The state is in `AuditStore`.
 */
@Component({
  selector: 'app-audit-page',
  imports: [
    TranslocoPipe,
    PluralPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  providers: [AuditStore],
  templateUrl: './audit.page.html',
  styleUrl: './audit.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage {
  protected readonly store = inject(AuditStore);
  protected readonly i18n = inject(I18n);
  protected readonly outcomes = OUTCOMES;
  protected readonly changesOf = changesOf;
  protected readonly dataText = dataText;
  protected readonly errorFor = firstErrorMessage;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    q: '',
    action: '',
    outcome: '',
    actor: ['', Validators.pattern(/^usr_[0-9a-z]{25}$/)],
    subject: '',
    type: ['', Validators.pattern(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[0-9]{1,3}$/)],
    from: '',
    to: '',
  });

  constructor() {
    this.store.search({});
  }

  search(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    const filter: AuditFilter = {
      q: v.q.trim() || undefined,
      action: v.action.trim() || undefined,
      outcome: (v.outcome || undefined) as AuditOutcome | undefined,
      actor: v.actor.trim() || undefined,
      subject: v.subject.trim() || undefined,
      type: v.type.trim() || undefined,
      from: localToInstant(v.from),
      to: localToInstant(v.to),
    };
    this.store.search(filter);
  }

  clear(): void {
    this.form.reset();
    this.store.search({});
  }

  loadMore(): void {
    this.store.loadMore();
  }

  verify(): Promise<void> {
    return this.store.verify();
  }

  /** Fetches the export with the bearer token, then hands the file to the browser. */
  async download(format: AuditExportFormat): Promise<void> {
    const file = await this.store.export(format);
    if (file === null) {
      return;
    }
    const url = URL.createObjectURL(file.blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = file.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  protected time(iso: string): string {
    return this.i18n.dateTime(iso, { dateStyle: 'medium', timeStyle: 'medium' });
  }
}
