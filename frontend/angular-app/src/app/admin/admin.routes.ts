import { Routes } from '@angular/router';

import { AdminShell } from './admin-shell';

/** `/admin` (users and events), `/admin/overview` (charts), `/admin/audit` (the audit trail). */
export const ADMIN_ROUTES: Routes = [
  {
    path: '',
    component: AdminShell,
    children: [
      {
        path: '',
        title: 'titles.admin',
        loadComponent: () => import('./admin.page').then((m) => m.AdminPage),
      },
      {
        path: 'overview',
        title: 'titles.adminOverview',
        loadComponent: () => import('./overview/overview.page').then((m) => m.OverviewPage),
      },
      {
        path: 'audit',
        title: 'titles.adminAudit',
        loadComponent: () => import('./audit/audit.page').then((m) => m.AuditPage),
      },
    ],
  },
];
