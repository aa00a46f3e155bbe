import { Routes } from '@angular/router';

// Every feature is lazy-loaded so the initial bundle holds only the shell.
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'events' },
  {
    path: 'events',
    loadChildren: () => import('./events/events.routes').then((m) => m.EVENTS_ROUTES),
  },
  {
    path: '**',
    title: 'Page not found · SecureEvent',
    loadComponent: () => import('./not-found/not-found.page').then((m) => m.NotFoundPage),
  },
];
