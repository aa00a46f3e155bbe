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
import { toSignal } from '@angular/core/rxjs-interop';
import {
  AbstractControl,
  FormArray,
  FormBuilder,
  FormGroup,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import type {
  CreateEventRequest,
  EventDraftResponse,
  EventDto,
  Question,
  TicketType,
  TicketTypeInput,
} from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { applyServerErrors, firstErrorMessage } from '../../forms/server-errors';
import { describeHttpError } from '../../http/problem-details';
import { VIEWER_TIME_ZONE } from '../../time/viewer-time-zone';
import { isoToZonedLocal, knownTimeZones, zonedLocalToIso } from '../../time/zoned-time';
import { EventsApi } from '../events.api';
import { t } from '../../i18n/i18n';
import { AssistNote } from './assist-note';
import { draftToForm } from './draft-to-form';
import { DraftSuggestions } from './draft-suggestions';
import { EventAssist } from './event-assist';

const ZONES = knownTimeZones();

function knownZone(control: AbstractControl<string>): ValidationErrors | null {
  return ZONES.includes(control.value) || control.value === 'UTC'
    ? null
    : { messageKey: 'editor.chooseZone' };
}

function endsAfterStart(group: AbstractControl): ValidationErrors | null {
  const startsAt = group.get('startsAt')?.value as string;
  const endsAt = group.get('endsAt');
  if (startsAt && endsAt?.value && endsAt.value <= startsAt) {
    endsAt.setErrors({ ...endsAt.errors, messageKey: 'editor.endAfterStart' });
  }
  return null;
}

function venueOrLink(group: AbstractControl): ValidationErrors | null {
  const venue = (group.get('venue')?.value as string).trim();
  const onlineUrl = (group.get('onlineUrl')?.value as string).trim();
  return venue || onlineUrl ? null : { venueOrLink: true };
}

/**
 * A ticket type row of the form as the API takes it: without an id it is a new type. What the
 * form does not edit (description, sales window) is kept from the stored type.
 */
function toTicketTypeInput(
  row: Record<string, unknown>,
  stored: readonly TicketType[],
): TicketTypeInput {
  const raw = row as {
    id: string;
    name: string;
    capacity: number | string;
    hidden: boolean;
    accessCodeRequired: boolean;
  };
  const before = stored.find((type) => type.id === raw.id);
  return {
    ...(raw.id ? { id: raw.id } : {}),
    name: raw.name.trim(),
    description: before?.description ?? null,
    capacity: Number(raw.capacity),
    hidden: raw.hidden,
    accessCodeRequired: raw.accessCodeRequired,
    salesStart: before?.salesStart ?? null,
    salesEnd: before?.salesEnd ?? null,
  };
}

/** A question id from its label: `Dietary needs?` → `dietary-needs`. */
export function questionIdFrom(label: string, taken: ReadonlySet<string>): string {
  const base =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'question';
  let id = base;
  for (let n = 2; taken.has(id); n += 1) {
    id = `${base}-${n}`;
  }
  return id;
}

/**
 * `/events/new` and `/events/:id/edit`: the event form with validation beside each field, a
 * time-zone picker (times are typed as the venue's clocks read), a question builder, and the
 * draft → publish flow.
 */
@Component({
  selector: 'app-event-editor-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    MatAutocompleteModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    EventAssist,
    AssistNote,
  ],
  templateUrl: './event-editor.page.html',
  styleUrl: './event-editor.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventEditorPage {
  private readonly api = inject(EventsApi);
  private readonly router = inject(Router);
  private readonly fb = inject(FormBuilder).nonNullable;
  private readonly viewerZone = inject(VIEWER_TIME_ZONE);

  /** The event being edited; absent on `/events/new`. */
  readonly id = input<string | undefined>();

  protected readonly loading = signal(false);
  protected readonly saving = signal(false);
  protected readonly errorMessage = signal<string | null>(null);
  protected readonly existing = signal<EventDto | null>(null);
  protected readonly errorFor = firstErrorMessage;

  protected readonly form = this.fb.group(
    {
      title: ['', [Validators.required, Validators.minLength(3), Validators.maxLength(200)]],
      description: ['', Validators.maxLength(20_000)],
      timeZone: [this.viewerZone, [Validators.required, knownZone]],
      startsAt: ['', Validators.required],
      endsAt: ['', Validators.required],
      venue: ['', Validators.maxLength(300)],
      onlineUrl: ['', Validators.pattern(/^https:\/\/\S+$/)],
      // With ticket types it is the optional limit across them (empty: only the types' own).
      capacity: this.fb.control<number | string | null>(50, [
        Validators.required,
        Validators.min(1),
        Validators.max(1_000_000),
      ]),
      visibility: this.fb.control<EventDto['visibility']>('public'),
      registrationMode: this.fb.control<EventDto['registrationMode']>('open'),
      tags: [''],
      registrationOpensAt: [''],
      registrationClosesAt: [''],
      questions: this.fb.array<FormGroup>([]),
      ticketTypes: this.fb.array<FormGroup>([]),
    },
    { validators: [endsAfterStart, venueOrLink] },
  );

  private readonly zoneInput = toSignal(this.form.controls.timeZone.valueChanges, {
    initialValue: this.form.controls.timeZone.value,
  });
  protected readonly zoneOptions = computed(() => {
    const typed = this.zoneInput().toLowerCase();
    return ZONES.filter((zone) => zone.toLowerCase().includes(typed)).slice(0, 50);
  });
  protected readonly isNew = computed(() => this.id() === undefined);

  /** What the assistant filled in, marked until edited or accepted. */
  protected readonly suggestions = new DraftSuggestions(this.form);
  /** The zone the assistant reads times without one in: the form's, if it is a known zone. */
  protected readonly assistZone = computed(() => {
    const zone = this.zoneInput();
    return ZONES.includes(zone) || zone === 'UTC' ? zone : this.viewerZone;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.suggestions.dispose());
    effect(() => {
      const id = this.id();
      if (id !== undefined) {
        untracked(() => void this.load(id));
      }
    });
  }

  protected get questions(): FormArray<FormGroup> {
    return this.form.controls.questions;
  }

  /**
   * The ticket types, when the event has more than the one "General admission" it gets from its
   * capacity. Empty: `capacity` sizes that one type; otherwise `capacity` is the limit across them.
   */
  protected get ticketTypes(): FormArray<FormGroup> {
    return this.form.controls.ticketTypes;
  }

  private async load(id: string): Promise<void> {
    this.loading.set(true);
    try {
      const event = await firstValueFrom(this.api.getEvent(id));
      this.existing.set(event);
      const local = (iso: string | null) => (iso ? isoToZonedLocal(iso, event.timeZone) : '');
      this.questions.clear();
      for (const question of event.questions) {
        this.questions.push(this.questionGroup(question));
      }
      this.ticketTypes.clear();
      // One type and no overall limit is what an event made from a capacity alone has.
      if (event.ticketTypes.length > 1 || event.overallCapacity !== null) {
        for (const type of event.ticketTypes) {
          this.ticketTypes.push(this.ticketTypeGroup(type));
        }
      }
      this.syncCapacityRule();
      this.form.patchValue({
        title: event.title,
        description: event.description,
        timeZone: event.timeZone,
        startsAt: local(event.startsAt),
        endsAt: local(event.endsAt),
        venue: event.venue ?? '',
        onlineUrl: event.onlineUrl ?? '',
        // With types listed, the field is the organizer's own overall limit: empty when there is
        // none (the sum of the quotas would otherwise be saved back as a limit).
        capacity: this.ticketTypes.length > 0 ? event.overallCapacity : event.capacity,
        visibility: event.visibility,
        registrationMode: event.registrationMode,
        tags: event.tags.join(', '),
        registrationOpensAt: local(event.registrationOpensAt),
        registrationClosesAt: local(event.registrationClosesAt),
      });
    } catch (error) {
      this.errorMessage.set(describeHttpError(error));
    } finally {
      this.loading.set(false);
    }
  }

  private ticketTypeGroup(type?: TicketType): FormGroup {
    return this.fb.group({
      id: [type?.id ?? ''],
      name: [type?.name ?? '', [Validators.required, Validators.maxLength(100)]],
      capacity: [
        type?.capacity ?? 10,
        [Validators.required, Validators.min(1), Validators.max(1_000_000)],
      ],
      hidden: [type?.hidden ?? false],
      accessCodeRequired: [type?.accessCodeRequired ?? false],
    });
  }

  /** The capacity is required only while it sizes the one type; with types it is optional. */
  private syncCapacityRule(): void {
    const capacity = this.form.controls.capacity;
    if (this.ticketTypes.length > 0) {
      capacity.removeValidators(Validators.required);
    } else {
      capacity.addValidators(Validators.required);
    }
    capacity.updateValueAndValidity();
  }

  /**
   * Adds a ticket type. The first one added to an event that so far had only its "General
   * admission" keeps that type in the list, so that saving does not remove it.
   */
  addTicketType(): void {
    const existing = this.existing();
    if (this.ticketTypes.length === 0 && existing) {
      for (const type of existing.ticketTypes) {
        this.ticketTypes.push(this.ticketTypeGroup(type));
      }
    }
    this.ticketTypes.push(this.ticketTypeGroup());
    this.syncCapacityRule();
  }

  removeTicketType(index: number): void {
    this.ticketTypes.removeAt(index);
    this.syncCapacityRule();
  }

  private questionGroup(question?: Question): FormGroup {
    return this.fb.group({
      id: [question?.id ?? ''],
      label: [question?.label ?? '', [Validators.required, Validators.maxLength(200)]],
      type: this.fb.control<Question['type']>(question?.type ?? 'text'),
      required: [question?.required ?? false],
      options: [(question?.options ?? []).join(', ')],
    });
  }

  /**
   * Fills the form with the assistant's draft: each field the draft has is set (times in the
   * draft's zone) and marked as suggested; fields it leaves empty keep what they hold. Nothing
   * is saved.
   */
  applyDraft(response: EventDraftResponse): void {
    const labels = this.questions.controls.map((q) => String(q.get('label')?.value ?? ''));
    const fill = draftToForm(response.draft, this.assistZone(), labels);
    this.form.patchValue(fill.patch);
    const ids = new Set(this.questions.controls.map((q) => String(q.get('id')?.value ?? '')));
    for (const question of fill.questions) {
      this.questions.push(
        this.questionGroup(ids.has(question.id) ? { ...question, id: '' } : question),
      );
    }
    this.errorMessage.set(null);
    this.suggestions.apply(fill.fields, response.warnings, response.provider);
  }

  /** The organizer takes every suggestion as it is. */
  acceptAll(): void {
    this.suggestions.acceptAll();
  }

  addQuestion(): void {
    this.questions.push(this.questionGroup());
  }

  removeQuestion(index: number): void {
    this.questions.removeAt(index);
  }

  moveQuestion(index: number, by: -1 | 1): void {
    const target = index + by;
    if (target < 0 || target >= this.questions.length) {
      return;
    }
    const group = this.questions.at(index);
    this.questions.removeAt(index);
    this.questions.insert(target, group);
  }

  private toRequest(): Omit<CreateEventRequest, 'capacity'> & { capacity?: number | null } {
    const v = this.form.getRawValue();
    const typed = v.capacity === null || v.capacity === '' ? null : Number(v.capacity);
    // No overall limit with types: left out on create, cleared (null) on an edit.
    const capacity =
      typed !== null ? { capacity: typed } : this.existing() ? { capacity: null } : {};
    const iso = (local: string) => (local ? zonedLocalToIso(local, v.timeZone) : null);
    const taken = new Set<string>();
    const questions = v.questions.map((q) => {
      const raw = q as {
        id: string;
        label: string;
        type: Question['type'];
        required: boolean;
        options: string;
      };
      const id = raw.id || questionIdFrom(raw.label, taken);
      taken.add(id);
      const options = raw.options
        .split(',')
        .map((option) => option.trim())
        .filter((option) => option !== '');
      return {
        id,
        label: raw.label.trim(),
        type: raw.type,
        required: raw.required,
        ...(raw.type === 'choice' ? { options } : {}),
      };
    });
    return {
      title: v.title.trim(),
      description: v.description,
      timeZone: v.timeZone,
      startsAt: iso(v.startsAt)!,
      endsAt: iso(v.endsAt)!,
      venue: v.venue.trim() || null,
      onlineUrl: v.onlineUrl.trim() || null,
      ...capacity,
      visibility: v.visibility,
      registrationMode: v.registrationMode,
      tags: v.tags
        .split(',')
        .map((tag) => tag.trim().toLowerCase())
        .filter((tag) => tag !== ''),
      registrationOpensAt: iso(v.registrationOpensAt),
      registrationClosesAt: iso(v.registrationClosesAt),
      questions,
      ...(v.ticketTypes.length > 0
        ? {
            ticketTypes: v.ticketTypes.map((row) =>
              toTicketTypeInput(row, this.existing()?.ticketTypes ?? []),
            ),
          }
        : {}),
    };
  }

  /** Saves (creating a draft on `/events/new`); with `publish`, publishes the draft too. */
  async saveEvent(publish: boolean): Promise<void> {
    this.form.updateValueAndValidity();
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.errorMessage.set(
        this.form.hasError('venueOrLink') ? t('editor.venueOrLink') : t('editor.needsAttention'),
      );
      return;
    }
    this.saving.set(true);
    this.errorMessage.set(null);
    try {
      const { capacity, ...request } = this.toRequest();
      const existing = this.existing();
      let event = existing
        ? await firstValueFrom(this.api.updateEvent(existing.id, { ...request, capacity }))
        : await firstValueFrom(
            this.api.createEvent({ ...request, ...(capacity != null ? { capacity } : {}) }),
          );
      if (publish && event.status === 'draft') {
        event = await firstValueFrom(this.api.publishEvent(event.id));
      }
      await this.router.navigate(['/events', event.id]);
    } catch (error) {
      this.errorMessage.set(applyServerErrors(this.form, error));
    } finally {
      this.saving.set(false);
    }
  }
}
