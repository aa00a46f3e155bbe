import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { TranslocoPipe } from '@jsverse/transloco';
import type { EventDto } from '@secureevent/contracts';

import { EventsApi } from '../events/events.api';
import { SHARE_TARGET, absoluteUrl } from './share-target';

type Copied = 'event' | 'invite' | 'failed' | null;

/**
 * "Your event is live": shown to an event's managers once it is published. The absolute link
 * (what works when pasted into a chat or an email), copy and — where the browser has the Web
 * Share API — share; for a private event also the invitation link, the only one invitees can use.
 */
@Component({
  selector: 'app-event-share-panel',
  imports: [TranslocoPipe, MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule],
  templateUrl: './event-share-panel.html',
  styleUrl: './event-share-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventSharePanel {
  private readonly target = inject(SHARE_TARGET);
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);
  /** The invitation link read from the API when the event at hand came without it. */
  private readonly loadedInvite = signal<{ readonly id: string; readonly url: string } | null>(
    null,
  );

  readonly event = input.required<EventDto>();

  protected readonly canShare = this.target.share !== undefined;
  protected readonly copied = signal<Copied>(null);
  protected readonly eventUrl = computed(() =>
    absoluteUrl(this.target.origin, `/events/${encodeURIComponent(this.event().id)}`),
  );
  protected readonly inviteUrl = computed(() => {
    const event = this.event();
    const loaded = this.loadedInvite();
    const invite = event.inviteUrl ?? (loaded?.id === event.id ? loaded.url : undefined);
    return invite ? absoluteUrl(this.target.origin, invite) : null;
  });

  constructor() {
    // The answer to "publish" carries no invitation link; a manager's read of the event does.
    effect(() => {
      const event = this.event();
      const needsInvite =
        event.status === 'published' && event.visibility === 'private' && !event.inviteUrl;
      if (needsInvite && this.loadedInvite()?.id !== event.id) {
        untracked(() => this.loadInvite(event.id));
      }
    });
  }

  private loadInvite(id: string): void {
    this.api
      .getEvent(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ inviteUrl }) => {
          if (inviteUrl) this.loadedInvite.set({ id, url: inviteUrl });
        },
        // Without it the panel still shows the event's own link; the page reports load errors.
        error: () => undefined,
      });
  }
  /** The link that lets the people it is sent to in: the invitation for a private event. */
  protected readonly linkToShare = computed(() => this.inviteUrl() ?? this.eventUrl());

  async copy(which: 'event' | 'invite'): Promise<void> {
    const url = which === 'invite' ? this.inviteUrl() : this.eventUrl();
    if (!url) return;
    try {
      if (!this.target.clipboard) throw new Error('no clipboard');
      await this.target.clipboard.writeText(url);
      this.copied.set(which);
    } catch {
      // No clipboard permission (or an old browser): the link stays selectable in its field.
      this.copied.set('failed');
    }
  }

  async share(): Promise<void> {
    if (!this.target.share) return;
    try {
      await this.target.share({ title: this.event().title, url: this.linkToShare() });
    } catch {
      // The person closed the share sheet, or the browser refused: nothing to report.
    }
  }

  protected selectAll(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }
}
