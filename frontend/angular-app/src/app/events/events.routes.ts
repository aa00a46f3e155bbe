import { Routes } from '@angular/router';

import { requireRole } from '../auth/auth.guards';
import { EventListPage } from './event-list.page';

export const EVENTS_ROUTES: Routes = [
  { path: '', title: 'titles.events', component: EventListPage },
  {
    path: 'new',
    title: 'titles.newEvent',
    canActivate: [requireRole('organizer', 'admin')],
    loadComponent: () => import('./editor/event-editor.page').then((m) => m.EventEditorPage),
  },
  {
    path: ':id',
    title: 'titles.event',
    loadComponent: () => import('./detail/event-detail.page').then((m) => m.EventDetailPage),
  },
  {
    path: ':id/edit',
    title: 'titles.editEvent',
    canActivate: [requireRole('organizer', 'admin')],
    loadComponent: () => import('./editor/event-editor.page').then((m) => m.EventEditorPage),
  },
  {
    path: ':id/check-in',
    title: 'titles.checkIn',
    canActivate: [requireRole('organizer', 'admin')],
    loadComponent: () => import('./check-in/check-in.page').then((m) => m.CheckInPage),
  },
];
