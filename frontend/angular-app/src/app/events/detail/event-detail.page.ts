import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  LOCALE_ID,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import type { EventDto, Question, RegistrationDto } from '@secureevent/contracts';
import { Subscription, firstValueFrom } from 'rxjs';

import { AuthStore } from '../../auth/auth.store';
import { applyServerErrors, firstErrorMessage } from '../../forms/server-errors';
import { newIdempotencyKey } from '../../http/idempotency-key';
import { describeHttpError } from '../../http/problem-details';
import { RealtimeClient } from '../../realtime/realtime.client';
import { VIEWER_TIME_ZONE } from '../../time/viewer-time-zone';
import { describeEventSchedule } from '../event-schedule';
import { EventsApi } from '../events.api';
import { describeSeats } from '../seats';
import { EventOrganizerPanel } from './event-organizer-panel';

type AnswerControl = FormControl<string | boolean>;

/**
 * `/events/:id`: everything about one event, its live availability, and the viewer's
 * registration (register with the event's questions, join the waitlist, or cancel). The event's
 * managers also get the organizer panel.
 */
@Component({
  selector: 'app-event-detail-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    EventOrganizerPanel,
  ],
  templateUrl: './event-detail.page.html',
  styleUrl: './event-detail.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventDetailPage {
  private readonly api = inject(EventsApi);
  private readonly realtime = inject(RealtimeClient);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly locale = inject(LOCALE_ID);
  private readonly title = inject(Title);
  protected readonly auth = inject(AuthStore);

  readonly id = input.required<string>();
  /** The invitation code of a private event (`?invite=`). */
  readonly invite = input<string | undefined>();

  protected readonly event = signal<EventDto | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly registration = signal<RegistrationDto | null>(null);
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly answers = signal(new FormGroup<Record<string, AnswerControl>>({}));
  protected readonly errorFor = firstErrorMessage;
  private live: Subscription | undefined;
  private idempotencyKey = newIdempotencyKey();

  protected readonly schedule = computed(() => {
    const event = this.event();
    return event ? describeEventSchedule(event, this.viewerTimeZone, this.locale) : null;
  });
  protected readonly seats = computed(() => {
    const event = this.event();
    return event ? describeSeats(event.availability) : '';
  });
  protected readonly canManage = computed(() => {
    const event = this.event();
    const user = this.auth.user();
    return (
      event !== null &&
      user !== null &&
      (event.organizerIds.includes(user.id) || user.roles.includes('admin'))
    );
  });
  protected readonly activeRegistration = computed(() => {
    const registration = this.registration();
    return registration && registration.status !== 'cancelled' ? registration : null;
  });

  constructor() {
    effect(() => {
      const id = this.id();
      const signedIn = this.auth.isSignedIn();
      untracked(() => this.load(id, signedIn));
    });
  }

  private load(id: string, signedIn: boolean): void {
    this.loadError.set(null);
    // A key per event page: the component is reused when only :id changes, and a key sent for
    // another event's registration would be refused (409).
    this.idempotencyKey = newIdempotencyKey();
    this.api
      .getEvent(id, this.invite())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (event) => {
          this.showEvent(event);
          this.watch(event.id);
        },
        error: (error: unknown) => this.loadError.set(describeHttpError(error)),
      });
    if (signedIn) {
      this.loadMyRegistration(id);
    } else {
      this.registration.set(null);
    }
  }

  private showEvent(event: EventDto): void {
    const previousQuestions = JSON.stringify(this.event()?.questions ?? null);
    this.event.set(event);
    this.title.setTitle(`${event.title} · SecureEvent`);
    if (JSON.stringify(event.questions) !== previousQuestions) {
      this.answers.set(this.formFor(event.questions));
    }
  }

  private loadMyRegistration(eventId: string): void {
    this.api
      .myRegistrations()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ items }) =>
          this.registration.set(
            items.find((r) => r.eventId === eventId && r.status !== 'cancelled') ?? null,
          ),
        error: () => this.registration.set(null),
      });
  }

  private watch(eventId: string): void {
    this.live?.unsubscribe();
    this.live = this.realtime
      .watchEvent(eventId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((frame) => {
        if (frame.type === 'availability') {
          this.event.update((e) => (e ? { ...e, availability: frame.availability } : e));
        } else if (frame.type === 'event') {
          this.load(eventId, this.auth.isSignedIn());
        }
      });
  }

  private formFor(questions: readonly Question[]): FormGroup<Record<string, AnswerControl>> {
    const controls: Record<string, AnswerControl> = {};
    for (const question of questions) {
      controls[question.id] =
        question.type === 'checkbox'
          ? new FormControl<string | boolean>(false, {
              nonNullable: true,
              validators: question.required ? Validators.requiredTrue : [],
            })
          : new FormControl<string | boolean>('', {
              nonNullable: true,
              validators: question.required
                ? [Validators.required, Validators.maxLength(1000)]
                : Validators.maxLength(1000),
            });
    }
    return new FormGroup(controls);
  }

  protected control(questionId: string): AnswerControl {
    return this.answers().controls[questionId];
  }

  async register(): Promise<void> {
    const event = this.event();
    if (event === null) {
      return;
    }
    if (!this.auth.isSignedIn()) {
      await this.router.navigate(['/sign-in'], {
        queryParams: { returnUrl: this.router.url },
      });
      return;
    }
    const form = this.answers();
    if (form.invalid) {
      form.markAllAsTouched();
      return;
    }
    await this.run(async () => {
      const answers: Record<string, string | boolean> = {};
      for (const [id, value] of Object.entries(form.getRawValue())) {
        if (value !== '') {
          answers[id] = typeof value === 'string' ? value.trim() : value;
        }
      }
      try {
        const registration = await firstValueFrom(
          this.api.register(event.id, answers, this.idempotencyKey, this.invite()),
        );
        this.registration.set(registration);
        this.notice.set(
          registration.status === 'confirmed'
            ? 'You are registered. Your ticket is in My tickets.'
            : `The event is full: you are on the waitlist (position ${registration.waitlistPosition ?? '?'}).`,
        );
      } catch (error) {
        // The answers' field errors come back as `answers.<id>`.
        throw new Error(applyServerErrors(new FormGroup({ answers: form }), error));
      }
    });
  }

  async cancelRegistration(): Promise<void> {
    const registration = this.registration();
    if (registration === null) {
      return;
    }
    await this.run(async () => {
      await firstValueFrom(this.api.cancelRegistration(registration.id));
      this.registration.set(null);
      this.idempotencyKey = newIdempotencyKey();
      this.notice.set('Your registration is cancelled.');
    });
  }

  /** The organizer panel changed the event (published, cancelled, co-organizer added). */
  eventChanged(event: EventDto): void {
    this.showEvent(event);
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    this.notice.set(null);
    try {
      await action();
    } catch (error) {
      this.actionError.set(error instanceof Error ? error.message : describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
