// The objects a JSON text opens, counted in one pass over its characters before JSON.parse builds
// them, stopping at the first past `max`: every series of a run file is an object, so a file of a
// million one-point series is refused without a million objects being made. Braces inside strings
// (escapes included) do not count.

/** How many objects `text` opens, counting up to `max` + 1 (then it stops). */
export function countJsonObjects(text: string, max: number): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b) {
      if (++count > max) return count;
    }
  }
  return count;
}
