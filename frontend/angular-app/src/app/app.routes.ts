import { Routes } from '@angular/router';

import { requireRole, requireSignIn, requireSignedOut } from './auth/auth.guards';
import { landingOrDashboard } from './landing/landing.guard';

// Titles are translation keys (see TranslatedTitleStrategy). Every feature is lazy-loaded so the initial bundle holds only the shell, the auth state, the
// interceptor and the WebSocket client.
export const routes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'titles.landing',
    canActivate: [landingOrDashboard],
    loadComponent: () => import('./landing/landing.page').then((m) => m.LandingPage),
  },
  {
    path: 'sign-in',
    title: 'titles.signIn',
    canActivate: [requireSignedOut],
    loadComponent: () => import('./auth/sign-in.page').then((m) => m.SignInPage),
  },
  {
    path: 'sign-up',
    title: 'titles.signUp',
    canActivate: [requireSignedOut],
    loadComponent: () => import('./auth/sign-up.page').then((m) => m.SignUpPage),
  },
  {
    path: 'forgot-password',
    title: 'titles.forgotPassword',
    loadComponent: () => import('./auth/forgot-password.page').then((m) => m.ForgotPasswordPage),
  },
  {
    path: 'reset-password',
    title: 'titles.resetPassword',
    loadComponent: () => import('./auth/reset-password.page').then((m) => m.ResetPasswordPage),
  },
  {
    path: 'verify-email',
    title: 'titles.verifyEmail',
    loadComponent: () => import('./auth/verify-email.page').then((m) => m.VerifyEmailPage),
  },
  {
    path: 'not-allowed',
    title: 'titles.notAllowed',
    loadComponent: () => import('./auth/not-allowed.page').then((m) => m.NotAllowedPage),
  },
  {
    path: 'dashboard',
    title: 'titles.dashboard',
    canActivate: [requireSignIn],
    loadComponent: () => import('./dashboard/dashboard.page').then((m) => m.DashboardPage),
  },
  {
    path: 'events',
    loadChildren: () => import('./events/events.routes').then((m) => m.EVENTS_ROUTES),
  },
  {
    path: 'tickets',
    title: 'titles.tickets',
    canActivate: [requireSignIn],
    loadComponent: () => import('./tickets/tickets.page').then((m) => m.TicketsPage),
  },
  {
    path: 'notifications',
    title: 'titles.notifications',
    canActivate: [requireSignIn],
    loadComponent: () =>
      import('./notifications/notifications.page').then((m) => m.NotificationsPage),
  },
  {
    path: 'account/two-factor',
    title: 'titles.twoFactor',
    canActivate: [requireSignIn],
    loadComponent: () =>
      import('./account/two-factor/two-factor.page').then((m) => m.TwoFactorPage),
  },
  {
    path: 'account/privacy',
    title: 'titles.privacy',
    canActivate: [requireSignIn],
    loadComponent: () => import('./account/privacy/privacy.page').then((m) => m.PrivacyPage),
  },
  {
    path: 'account',
    canActivate: [requireSignIn],
    loadChildren: () => import('./account/account.routes'),
  },
  {
    path: 'admin',
    canActivate: [requireRole('admin')],
    loadChildren: () => import('./admin/admin.routes').then((m) => m.ADMIN_ROUTES),
  },
  {
    path: '**',
    title: 'titles.notFound',
    loadComponent: () => import('./not-found/not-found.page').then((m) => m.NotFoundPage),
  },
];
