import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { EventCard } from './event-card';
import { EventListStatus, EventListStore } from './event-list.store';

/** `/events`: the published events, a page at a time. */
@Component({
  selector: 'app-event-list-page',
  imports: [EventCard, MatButtonModule, MatIconModule, MatProgressBarModule],
  providers: [EventListStore],
  templateUrl: './event-list.page.html',
  styleUrl: './event-list.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventListPage {
  protected readonly store = inject(EventListStore);
  protected readonly Status = EventListStatus;

  constructor() {
    this.store.loadFirstPage();
  }

  retryLoadingEvents(): void {
    this.store.loadFirstPage();
  }

  loadMoreEvents(): void {
    this.store.loadNextPage();
  }
}
