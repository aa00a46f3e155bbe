import { defineConfig } from '@playwright/test';
import base from './playwright.config.js';

/** `npm run screenshots`: the README's screenshots, taken against the same platform the E2E suite starts. */
export default defineConfig({ ...base, testDir: './screenshots' });
