import { dropDatabase } from './database.js';

/** Drops this run's database (see database.ts). */
export default function globalTeardown(): void {
  const url = process.env.E2E_DATABASE_URL;
  if (url) dropDatabase(url);
}
