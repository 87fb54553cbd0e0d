/** What went wrong, in words: an Error's message, or whatever was thrown as a string. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
