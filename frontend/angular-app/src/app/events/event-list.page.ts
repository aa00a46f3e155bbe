import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, ParamMap, Router } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';

import { EventCard } from './event-card';
import { EventListStatus, EventListStore } from './event-list.store';
import { EventFilters } from './events.api';
import { PluralPipe } from '../i18n/plural.pipe';

type Mode = '' | 'online' | 'in_person';

/** The filter form's fields, as they appear in the address bar (so a search can be bookmarked). */
interface FilterQuery {
  q: string;
  fromDate: string;
  toDate: string;
  tag: string;
  hasSeats: boolean;
  mode: Mode;
}

function readQuery(params: ParamMap): FilterQuery {
  const mode = params.get('mode');
  return {
    q: params.get('q') ?? '',
    fromDate: params.get('from') ?? '',
    toDate: params.get('to') ?? '',
    tag: params.get('tag') ?? '',
    hasSeats: params.get('hasSeats') === 'true',
    mode: mode === 'online' || mode === 'in_person' ? mode : '',
  };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Date-only filters mean whole days in the viewer's own zone. */
export function toApiFilters(query: FilterQuery): EventFilters {
  const startOfDay = (date: string, plusDays = 0) => {
    const day = new Date(`${date}T00:00`);
    day.setDate(day.getDate() + plusDays);
    return day.toISOString();
  };
  return {
    q: query.q.trim() || undefined,
    from: DATE_ONLY.test(query.fromDate) ? startOfDay(query.fromDate) : undefined,
    to: DATE_ONLY.test(query.toDate) ? startOfDay(query.toDate, 1) : undefined,
    tag: query.tag.trim().toLowerCase() || undefined,
    hasSeats: query.hasSeats || undefined,
    mode: query.mode || undefined,
  };
}

/** `/events`: the published events, searchable and filterable, a page at a time. */
@Component({
  selector: 'app-event-list-page',
  imports: [
    TranslocoPipe,
    PluralPipe,
    EventCard,
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  providers: [EventListStore],
  templateUrl: './event-list.page.html',
  styleUrl: './event-list.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventListPage {
  private readonly router = inject(Router);
  protected readonly store = inject(EventListStore);
  protected readonly Status = EventListStatus;
  protected readonly filters = inject(FormBuilder).nonNullable.group<FilterQuery>({
    q: '',
    fromDate: '',
    toDate: '',
    tag: '',
    hasSeats: false,
    mode: '',
  });

  constructor() {
    inject(ActivatedRoute)
      .queryParamMap.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((params) => {
        const query = readQuery(params);
        this.filters.setValue(query);
        this.store.loadFirstPage(toApiFilters(query));
      });
  }

  searchEvents(): void {
    const { q, fromDate, toDate, tag, hasSeats, mode } = this.filters.getRawValue();
    void this.router.navigate([], {
      queryParams: {
        q: q.trim() || null,
        from: fromDate || null,
        to: toDate || null,
        tag: tag.trim() || null,
        hasSeats: hasSeats ? 'true' : null,
        mode: mode || null,
      },
    });
  }

  clearFilters(): void {
    void this.router.navigate([], { queryParams: {} });
  }

  retryLoadingEvents(): void {
    this.store.loadFirstPage();
  }

  loadMoreEvents(): void {
    this.store.loadNextPage();
  }
}
