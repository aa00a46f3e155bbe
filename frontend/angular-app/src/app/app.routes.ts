import { Routes } from '@angular/router';

import { requireRole, requireSignIn, requireSignedOut } from './auth/auth.guards';

// Every feature is lazy-loaded so the initial bundle holds only the shell, the auth state, the
// interceptor and the WebSocket client.
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'events' },
  {
    path: 'sign-in',
    title: 'Sign in · SecureEvent',
    canActivate: [requireSignedOut],
    loadComponent: () => import('./auth/sign-in.page').then((m) => m.SignInPage),
  },
  {
    path: 'sign-up',
    title: 'Create an account · SecureEvent',
    canActivate: [requireSignedOut],
    loadComponent: () => import('./auth/sign-up.page').then((m) => m.SignUpPage),
  },
  {
    path: 'not-allowed',
    title: 'Not allowed · SecureEvent',
    loadComponent: () => import('./auth/not-allowed.page').then((m) => m.NotAllowedPage),
  },
  {
    path: 'dashboard',
    title: 'Dashboard · SecureEvent',
    canActivate: [requireSignIn],
    loadComponent: () => import('./dashboard/dashboard.page').then((m) => m.DashboardPage),
  },
  {
    path: 'events',
    loadChildren: () => import('./events/events.routes').then((m) => m.EVENTS_ROUTES),
  },
  {
    path: 'tickets',
    title: 'My tickets · SecureEvent',
    canActivate: [requireSignIn],
    loadComponent: () => import('./tickets/tickets.page').then((m) => m.TicketsPage),
  },
  {
    path: 'notifications',
    title: 'Notifications · SecureEvent',
    canActivate: [requireSignIn],
    loadComponent: () =>
      import('./notifications/notifications.page').then((m) => m.NotificationsPage),
  },
  {
    path: 'admin',
    title: 'Admin · SecureEvent',
    canActivate: [requireRole('admin')],
    loadComponent: () => import('./admin/admin.page').then((m) => m.AdminPage),
  },
  {
    path: '**',
    title: 'Page not found · SecureEvent',
    loadComponent: () => import('./not-found/not-found.page').then((m) => m.NotFoundPage),
  },
];
