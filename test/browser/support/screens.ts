import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

const root = path.resolve(__dirname, '..', '..', '..');
/** Git-ignored: every run writes here. */
export const ARTIFACTS = path.join(root, 'test', 'artifacts');
/** Committed, shown by the README: refreshed only when UPDATE_SCREENSHOTS=1. */
export const DOC_SCREENSHOTS = path.join(root, 'docs', 'screenshots');

/** Saves a full-page screenshot as `<name>.png` (and into the docs when asked to). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // No caret, no running transitions: the same screen gives the same picture.
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(DOC_SCREENSHOTS, { recursive: true });
    await copyFile(file, path.join(DOC_SCREENSHOTS, `${name}.png`));
  }

  return file;
}

/** Polls until `read` gives `expected` (the page updates on its own schedule). */
export async function waitForValue<T>(
  what: string,
  read: () => Promise<T>,
  expected: T,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: expected ${String(expected)}, last saw ${String(last)}`);
}

/** The visible text of a locator, trimmed. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** Whether the field with this label is marked invalid and points at the error beside it. */
export async function describedError(page: Page, field: Locator): Promise<string> {
  const invalid = await field.getAttribute('aria-invalid');
  const describedBy = await field.getAttribute('aria-describedby');
  if (invalid !== 'true' || !describedBy) return '';

  return textOf(page.locator(`[id="${describedBy}"]`));
}

/** Parses the export: a header line, then one user id per line (RFC 4180 quoting). */
export function csvUserIds(text: string): string[] {
  const rows: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === '\n') {
      rows.push(field.replace(/\r$/, ''));
      field = '';
    } else field += char;
  }
  if (field !== '') rows.push(field);
  if (rows[0] !== 'userId') throw new Error(`unexpected CSV header ${rows[0]}`);

  return rows.slice(1);
}
