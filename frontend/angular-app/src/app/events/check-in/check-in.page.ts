import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { NgTemplateOutlet } from '@angular/common';
import { RouterLink } from '@angular/router';
import type { CheckinSearchHit } from '@secureevent/contracts';
import { formatTicketCode } from '@secureevent/contracts/ticket-code';
import { debounceTime, distinctUntilChanged } from 'rxjs';
import { TranslocoPipe } from '@jsverse/transloco';

import { AuthStore } from '../../auth/auth.store';
import { I18n, t } from '../../i18n/i18n';
import { CameraScanner } from './camera-scanner';
import { CheckInStore, presentedTicket } from './check-in.store';

/**
 * `/events/:id/check-in`: the door. Type or scan a ticket code; see at once whether it is valid.
 * The state is in `CheckInStore`; the page keeps the code field and the camera.
 */
@Component({
  selector: 'app-check-in-page',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    RouterLink,
    NgTemplateOutlet,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    CameraScanner,
  ],
  providers: [CheckInStore],
  templateUrl: './check-in.page.html',
  styleUrl: './check-in.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CheckInPage {
  private readonly store = inject(CheckInStore);
  private readonly auth = inject(AuthStore);
  protected readonly i18n = inject(I18n);

  readonly id = input.required<string>();

  protected readonly event = this.store.event;
  protected readonly loadError = this.store.loadError;
  protected readonly stats = this.store.stats;
  protected readonly result = this.store.result;
  protected readonly checking = this.store.checking;
  protected readonly matches = this.store.matches;
  protected readonly searching = this.store.searching;
  protected readonly query = new FormControl('', { nonNullable: true });
  protected readonly hasCamera = signal(false);
  protected readonly code = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required],
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => this.store.load(id));
    });
    void this.detectCamera();
    // Search as the name is typed, once the typing pauses (a door queue types fast).
    this.query.valueChanges
      .pipe(debounceTime(250), distinctUntilChanged(), takeUntilDestroyed())
      .subscribe((q) => void this.store.search(q));
  }

  async undoLastCheckIn(): Promise<void> {
    await this.store.undoLast();
  }

  async checkInMatch(match: CheckinSearchHit): Promise<void> {
    await this.store.checkInMatch(match);
  }

  private async detectCamera(): Promise<void> {
    try {
      const devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
      this.hasCamera.set(devices.some((device) => device.kind === 'videoinput'));
    } catch {
      this.hasCamera.set(false);
    }
  }

  async checkInTicket(ticketCode: string = this.code.value): Promise<void> {
    if (presentedTicket(ticketCode) === null) {
      this.code.markAsTouched();
    }
    await this.store.checkIn(ticketCode);
    this.code.reset();
  }

  protected printedCode(code: string): string {
    return formatTicketCode(code);
  }

  protected time(iso: string | null): string {
    if (iso === null) {
      return t('checkIn.unknownTime');
    }
    return this.i18n.dateTime(iso, { timeStyle: 'medium', dateStyle: 'medium' });
  }

  protected who(userId: string | null, name: string | null = null): string {
    if (userId !== null && userId === this.auth.user()?.id) {
      return t('checkIn.you');
    }
    return name ?? userId ?? t('checkIn.someone');
  }
}
