import { Routes } from '@angular/router';

/**
 * `/account` and `/account/security`, one lazy entry in the app's routes (the shell's initial
 * bundle is at its budget). The app's routes list `account/two-factor` and other account pages
 * before this entry, so they match first.
 */
const ACCOUNT_ROUTES: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'titles.account',
    loadComponent: () => import('./profile.page').then((m) => m.ProfilePage),
  },
  {
    path: 'security',
    title: 'titles.accountSecurity',
    loadComponent: () => import('./security.page').then((m) => m.SecurityPage),
  },
];

// The default export lets the app's entry be `loadChildren: () => import(...)`, a few bytes less.
export default ACCOUNT_ROUTES;
