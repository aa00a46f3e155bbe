import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { TranslocoPipe } from '@jsverse/transloco';
import type { EventDto, OrganizerCandidate } from '@secureevent/contracts';
import {
  debounceTime,
  distinctUntilChanged,
  firstValueFrom,
  map,
  of,
  switchMap,
  catchError,
} from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import { OrganizerToolsApi } from './organizer-tools.api';

/** The shortest search the directory answers. */
const MIN_QUERY = 2;

/**
 * An event's co-organizers by name, and the picker that adds one by the start of their name or
 * email (people who may organize only) or removes one; the changed event goes to the page.
 */
@Component({
  selector: 'app-co-organizer-picker',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
  ],
  templateUrl: './co-organizer-picker.html',
  styleUrl: './organizer-tools.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CoOrganizerPicker {
  private readonly api = inject(OrganizerToolsApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly event = input.required<EventDto>();
  readonly eventChange = output<EventDto>();

  protected readonly query = new FormControl('', { nonNullable: true });
  /** Names by user id; an id without one is shown as the id (someone who may no longer organize). */
  protected readonly names = signal<ReadonlyMap<string, string>>(new Map());
  /** The last search's matches; null while nothing long enough was typed. */
  protected readonly matches = signal<readonly OrganizerCandidate[] | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly asked = new Set<string>();

  constructor() {
    effect(() => {
      const ids = this.event().organizerIds;
      untracked(() => this.loadNames(ids));
    });
    this.query.valueChanges
      .pipe(
        map((text) => text.trim()),
        debounceTime(250),
        distinctUntilChanged(),
        switchMap((text) =>
          text.length < MIN_QUERY
            ? of(null)
            : this.api.searchOrganizers(text).pipe(
                map((found) => found.items),
                catchError((error: unknown) => {
                  this.error.set(describeHttpError(error));
                  return of([]);
                }),
              ),
        ),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((found) => this.matches.set(found));
  }

  protected nameOf(id: string): string | undefined {
    return this.names().get(id);
  }

  async addCoOrganizer(candidate: OrganizerCandidate): Promise<void> {
    this.names.update((known) => new Map(known).set(candidate.id, candidate.displayName));
    const changed = await this.act(this.api.addCoOrganizer(this.event().id, candidate.id));
    if (changed !== null) {
      this.query.setValue('');
      this.matches.set(null);
    }
  }

  async removeCoOrganizer(userId: string): Promise<void> {
    await this.act(this.api.removeCoOrganizer(this.event().id, userId));
  }

  private loadNames(ids: readonly string[]): void {
    // Each id is asked for once: the event comes again with every live change.
    const unknown = ids.filter((id) => !this.names().has(id) && !this.asked.has(id));
    if (unknown.length === 0) return;
    for (const id of unknown) this.asked.add(id);
    this.api
      .organizerNames(unknown.slice(0, 20))
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (found) =>
          this.names.update((known) => {
            const next = new Map(known);
            for (const person of found.items) next.set(person.id, person.displayName);
            return next;
          }),
        // Without names the ids stay: the list is still right, only less friendly.
        error: () => undefined,
      });
  }

  private async act(
    request: ReturnType<OrganizerToolsApi['addCoOrganizer']>,
  ): Promise<EventDto | null> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const changed = await firstValueFrom(request);
      this.eventChange.emit(changed);
      return changed;
    } catch (error) {
      this.error.set(describeHttpError(error));
      return null;
    } finally {
      this.busy.set(false);
    }
  }
}
