import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatIconModule } from '@angular/material/icon';
import { MatRadioModule } from '@angular/material/radio';
import { TranslocoPipe } from '@jsverse/transloco';
import {
  ATTENDEE_EXPORT_COLUMNS,
  type AttendeeExportColumn,
  type AttendeeExportFormat,
} from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import { OrganizerToolsApi } from './organizer-tools.api';

/** Hands a fetched file to the browser as a download (the export needs the bearer token, so no plain link). */
export function downloadFile(file: Blob, filename: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The attendee export of an event: format, columns, and the download. */
@Component({
  selector: 'app-attendee-export',
  imports: [TranslocoPipe, MatButtonModule, MatCheckboxModule, MatIconModule, MatRadioModule],
  templateUrl: './attendee-export.html',
  styleUrl: './organizer-tools.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttendeeExport {
  private readonly api = inject(OrganizerToolsApi);

  readonly eventId = input.required<string>();

  protected readonly allColumns = ATTENDEE_EXPORT_COLUMNS;
  protected readonly format = signal<AttendeeExportFormat>('xlsx');
  protected readonly columns = signal<ReadonlySet<AttendeeExportColumn>>(
    new Set(ATTENDEE_EXPORT_COLUMNS),
  );
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  toggleColumn(column: AttendeeExportColumn, on: boolean): void {
    this.columns.update((current) => {
      const next = new Set(current);
      if (on) next.add(column);
      else next.delete(column);
      return next;
    });
  }

  /** Fetches the file with the chosen format and columns and downloads it. */
  async exportAttendees(): Promise<void> {
    const columns = ATTENDEE_EXPORT_COLUMNS.filter((c) => this.columns().has(c));
    if (columns.length === 0) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const file = await firstValueFrom(
        this.api.exportAttendees(this.eventId(), this.format(), columns),
      );
      downloadFile(file, `attendees-${this.eventId()}.${this.format()}`);
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
