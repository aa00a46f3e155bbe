import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type { EventDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import { isoToZonedLocal, zonedLocalToIso } from '../../time/zoned-time';
import { OrganizerToolsApi } from './organizer-tools.api';

/**
 * "Duplicate": copies the event into a new draft, optionally at a new start (in the event's time
 * zone; every other time moves with it), and opens the copy in the editor.
 */
@Component({
  selector: 'app-duplicate-event',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
  ],
  templateUrl: './duplicate-event.html',
  styleUrl: './organizer-tools.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DuplicateEvent {
  private readonly api = inject(OrganizerToolsApi);
  private readonly router = inject(Router);

  readonly event = input.required<EventDto>();

  protected readonly open = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly startsAt = new FormControl('', { nonNullable: true });

  showForm(): void {
    this.startsAt.setValue(isoToZonedLocal(this.event().startsAt, this.event().timeZone));
    this.open.set(true);
  }

  /** Makes the copy and opens it in the editor. */
  async duplicateEvent(): Promise<void> {
    const event = this.event();
    const local = this.startsAt.value;
    const startsAt = local === '' ? null : zonedLocalToIso(local, event.timeZone);
    this.busy.set(true);
    this.error.set(null);
    try {
      const copy = await firstValueFrom(
        this.api.duplicateEvent(event.id, startsAt === event.startsAt ? null : startsAt),
      );
      await this.router.navigate(['/events', copy.id, 'edit']);
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
