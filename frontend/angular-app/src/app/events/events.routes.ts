import { Routes } from '@angular/router';

import { EventListPage } from './event-list.page';

export const EVENTS_ROUTES: Routes = [
  { path: '', title: 'Events · SecureEvent', component: EventListPage },
];
