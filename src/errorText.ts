import { LIMITS } from './limits';
import { clip } from './messageQuote';

/**
 * What went wrong, in words: an Error's message, or whatever was thrown as a string; cut at
 * LIMITS.noticeChars, so a message that repeated a file's text whole never travels on whole.
 */
export function errorText(err: unknown): string {
  return clip(err instanceof Error ? err.message : String(err), LIMITS.noticeChars.value);
}
