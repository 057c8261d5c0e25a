/**
 * The admin token lives in sessionStorage: it survives reloads of the tab but not closing the
 * browser, and other tabs must sign in on their own.
 */
const TOKEN_KEY = 'audience.adminToken';
const APP_KEY = 'audience.appId';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be disabled by the browser; the dashboard then forgets on reload.
    return null;
  }
}

export function readToken(): string | null {
  return storage()?.getItem(TOKEN_KEY) ?? null;
}

export function saveToken(token: string): void {
  storage()?.setItem(TOKEN_KEY, token);
}

export function forgetSession(): void {
  storage()?.removeItem(TOKEN_KEY);
  storage()?.removeItem(APP_KEY);
}

/** The app picked last, to open it again on the home route. */
export function readLastApp(): string | null {
  return storage()?.getItem(APP_KEY) ?? null;
}

export function saveLastApp(appId: string): void {
  storage()?.setItem(APP_KEY, appId);
}
