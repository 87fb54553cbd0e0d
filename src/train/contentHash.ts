// SHA-256 of a model's bytes, so a share link can name a user's model (or one trained in the page)
// by content. Web Crypto is there in the worker (secure context) and in Node 20.

/** Lower-case hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A card's `source` for a model known by a label and its content: `<label> · sha256:<hex>`. */
export async function contentSource(label: string, bytes: Uint8Array): Promise<string> {
  return `${label} · sha256:${await sha256Hex(bytes)}`;
}
