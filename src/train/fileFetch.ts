// Node only (scripts, tests): a `fetch` for file: URLs, so that loading the demo in Node reads the
// shipped teacher and tokens from public/ on disk (EngineSession.fetchFunc) and nothing goes over
// the network. Kept apart so the browser bundle never imports node:fs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** public/ as a file: URL, ending in '/': the `base` of loadDemo in Node. */
export const PUBLIC_URL = new URL('../../public/', import.meta.url).href;

const TYPES: Readonly<Record<string, string>> = { json: 'application/json', bin: 'application/octet-stream' };

/** Answers a file: URL with the file (404 when it does not exist); refuses every other scheme. */
export async function fileFetch(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.protocol !== 'file:') throw new Error(`fileFetch reads file: URLs only, not ${url.href}`);
  try {
    const data = await readFile(fileURLToPath(url));
    const ext = url.pathname.slice(url.pathname.lastIndexOf('.') + 1);
    return new Response(data, { status: 200, headers: { 'content-type': TYPES[ext] ?? 'application/octet-stream' } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Response(null, { status: 404 });
    throw err;
  }
}
