import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
// A value import from the one module of plain rules, not the contracts index (its zod schemas
// would enter the bundle).
import { canManageEvent } from '@secureevent/contracts/event-access';
import type { EventDto, Question } from '@secureevent/contracts';

import { AuthStore } from '../../auth/auth.store';
import { applyServerErrors, firstErrorMessage } from '../../forms/server-errors';
import { VIEWER_TIME_ZONE } from '../../time/viewer-time-zone';
import { describeEventSchedule } from '../event-schedule';
import { describeSeats } from '../seats';
import { EventDetailStore } from './event-detail.store';
import { EventOrganizerPanel } from './event-organizer-panel';
import { EventSharePanel } from '../../share/event-share-panel';
import { I18n } from '../../i18n/i18n';

type AnswerControl = FormControl<string | boolean>;

/**
 * `/events/:id`: everything about one event, its live availability, and the viewer's
 * registration (register with the event's questions, join the waitlist, or cancel). The event's
 * managers also get the organizer panel. The state lives in `EventDetailStore`; the page holds
 * the answers form and presents.
 */
@Component({
  selector: 'app-event-detail-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
    EventOrganizerPanel,
    EventSharePanel,
  ],
  providers: [EventDetailStore],
  templateUrl: './event-detail.page.html',
  styleUrl: './event-detail.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventDetailPage {
  private readonly store = inject(EventDetailStore);
  private readonly router = inject(Router);
  private readonly viewerTimeZone = inject(VIEWER_TIME_ZONE);
  private readonly i18n = inject(I18n);
  private readonly title = inject(Title);
  protected readonly auth = inject(AuthStore);

  readonly id = input.required<string>();
  /** The invitation code of a private event (`?invite=`). */
  readonly invite = input<string | undefined>();

  protected readonly event = this.store.event;
  protected readonly loadError = this.store.loadError;
  protected readonly registration = this.store.registration;
  protected readonly busy = this.store.busy;
  protected readonly actionError = this.store.actionError;
  protected readonly notice = this.store.notice;
  /** A new form only when the questions change, so live seat counts keep what was typed. */
  protected readonly answers = computed(() => this.formFor(this.store.questions()));
  protected readonly errorFor = firstErrorMessage;

  protected readonly schedule = computed(() => {
    const event = this.event();
    return event ? describeEventSchedule(event, this.viewerTimeZone, this.i18n.lang()) : null;
  });
  protected readonly seats = computed(() => {
    const event = this.event();
    return event ? describeSeats(event.availability) : '';
  });
  /** The one rule of who manages an event, shared with the API (`@secureevent/contracts`). */
  protected readonly canManage = computed(() => {
    const event = this.event();
    const user = this.auth.user();
    return event !== null && canManageEvent(event, user);
  });
  /**
   * The ticket types the viewer can pick, with their seats left in words. Hidden types and types
   * behind an access code are not offered here (their managers see them, but they open only with
   * a code).
   */
  protected readonly ticketChoices = computed(() => {
    const event = this.event();
    if (!event) {
      return [];
    }
    return event.ticketTypes
      .filter((type) => !type.hidden)
      .map((type) => {
        const counts = event.availability.ticketTypes?.find((c) => c.id === type.id);
        return {
          id: type.id,
          name: type.name,
          description: type.description,
          seats: counts ? describeSeats(counts) : '',
          soldOut: counts ? counts.seatsLeft === 0 : false,
          needsCode: type.accessCodeRequired,
        };
      });
  });
  /** The access code typed (it opens code-only and hidden types; the API counts its uses). */
  protected readonly accessCode = new FormControl('', {
    nonNullable: true,
    validators: [Validators.maxLength(64), Validators.pattern(/^\s*[A-Za-z0-9-]{4,32}\s*$/)],
  });
  /** The viewer said they have a code (hidden types are not listed, so nothing else asks for one). */
  protected readonly haveCode = signal(false);
  /** The code field shows when the type to register for needs one, or when the viewer has one. */
  protected readonly codeNeeded = computed(() => {
    const choices = this.ticketChoices();
    const picked = this.pickedTypeId();
    const type = choices.length === 1 ? choices[0] : choices.find((c) => c.id === picked);
    return this.haveCode() || (type?.needsCode ?? false);
  });
  /** An organizer rejected the viewer's registration: shown above the form, which stays to ask again. */
  protected readonly rejected = computed(() => {
    const registration = this.registration();
    return registration?.status === 'rejected' ? registration : null;
  });
  /** The ticket type picked (only asked for when there is more than one to pick from). */
  protected readonly ticketType = new FormControl<string | null>(null, Validators.required);
  private readonly pickedTypeId = toSignal(this.ticketType.valueChanges, { initialValue: null });
  /** Seats left for what the viewer is about to register for: the picked type's, else the event's. */
  protected readonly chosenSeatsLeft = computed(() => {
    const event = this.event();
    const picked = this.pickedTypeId();
    const counts = picked
      ? event?.availability.ticketTypes?.find((c) => c.id === picked)
      : undefined;
    return counts?.seatsLeft ?? event?.availability.seatsLeft ?? 0;
  });
  /** The name of the type the viewer holds, when the event offers more than one. */
  protected readonly registeredTypeName = computed(() => {
    const event = this.event();
    const registration = this.activeRegistration();
    if (!event || !registration || event.ticketTypes.length < 2) {
      return null;
    }
    return event.ticketTypes.find((type) => type.id === registration.ticketTypeId)?.name ?? null;
  });
  protected readonly activeRegistration = computed(() => {
    const registration = this.registration();
    return registration && ['confirmed', 'waitlisted', 'pending'].includes(registration.status)
      ? registration
      : null;
  });

  constructor() {
    effect(() => {
      const id = this.id();
      const signedIn = this.auth.isSignedIn();
      untracked(() => this.store.load(id, this.invite(), signedIn));
    });
    effect(() => {
      const title = this.event()?.title;
      if (title !== undefined) {
        this.title.setTitle(`${title} · SecureEvent`);
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
    if (this.event() === null) {
      return;
    }
    if (!this.auth.isSignedIn()) {
      await this.router.navigate(['/sign-in'], {
        queryParams: { returnUrl: this.router.url },
      });
      return;
    }
    const form = this.answers();
    const code = this.codeNeeded() ? this.accessCode.value.trim() : '';
    // A code for a hidden type is all it takes: the API picks the type the code opens.
    const byCode = this.haveCode() && code !== '';
    const picking = this.ticketChoices().length > 1 && !byCode;
    const codeMissing = this.codeNeeded() && code === '';
    if (
      form.invalid ||
      (picking && this.ticketType.invalid) ||
      this.accessCode.invalid ||
      codeMissing
    ) {
      form.markAllAsTouched();
      this.ticketType.markAsTouched();
      this.accessCode.markAsTouched();
      if (codeMissing) {
        this.accessCode.setErrors({ required: true });
      }
      return;
    }
    const answers: Record<string, string | boolean> = {};
    for (const [id, value] of Object.entries(form.getRawValue())) {
      if (value !== '') {
        answers[id] = typeof value === 'string' ? value.trim() : value;
      }
    }
    // The answers' field errors come back as `answers.<id>`: put them beside their fields.
    await this.store.register(
      answers,
      (error) => applyServerErrors(new FormGroup({ answers: form }), error),
      picking || byCode ? (this.ticketType.value ?? undefined) : undefined,
      code || undefined,
    );
  }

  cancelRegistration(): Promise<void> {
    return this.store.cancelRegistration();
  }

  /** The organizer panel changed the event (published, cancelled, co-organizer added). */
  eventChanged(event: EventDto): void {
    this.store.showEvent(event);
  }
}
