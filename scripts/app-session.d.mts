// Types for app-session.mjs (plain Node ESM), so TypeScript scripts can import it.
import type { ConsoleMessage, Page } from '@playwright/test';

export interface AppPageOptions {
  build?: 'always' | 'if-missing' | 'never';
  port?: number;
  path?: string;
  ready?: () => unknown;
  log?: (message: string) => void;
  onConsole?: (message: ConsoleMessage) => void;
}

export interface AppPage {
  readonly page: Page;
  readonly url: string;
  readonly browserVersion: string;
  close(): Promise<void>;
}

export declare function openAppPage(options?: AppPageOptions): Promise<AppPage>;
