import { Routes } from '@angular/router';

import { requireRole } from '../auth/auth.guards';
import { EventListPage } from './event-list.page';

export const EVENTS_ROUTES: Routes = [
  { path: '', title: 'Events · SecureEvent', component: EventListPage },
  {
    path: 'new',
    title: 'New event · SecureEvent',
    canActivate: [requireRole('organizer', 'admin')],
    loadComponent: () => import('./editor/event-editor.page').then((m) => m.EventEditorPage),
  },
  {
    path: ':id',
    title: 'Event · SecureEvent',
    loadComponent: () => import('./detail/event-detail.page').then((m) => m.EventDetailPage),
  },
  {
    path: ':id/edit',
    title: 'Edit event · SecureEvent',
    canActivate: [requireRole('organizer', 'admin')],
    loadComponent: () => import('./editor/event-editor.page').then((m) => m.EventEditorPage),
  },
  {
    path: ':id/check-in',
    title: 'Check-in · SecureEvent',
    canActivate: [requireRole('organizer', 'admin')],
    loadComponent: () => import('./check-in/check-in.page').then((m) => m.CheckInPage),
  },
];
