// Little-endian byte writer and a bounds-checked reader for the link's binary payload.

/** Thrown by ByteReader and the payload parser; the message is meant for the user. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private at = 0;

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.view.setUint8(this.at, v);
    this.at += 1;
  }

  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.at, v, true);
    this.at += 2;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.at, v, true);
    this.at += 4;
  }

  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.at, v, true);
    this.at += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  get length(): number {
    return this.at;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

export class ByteReader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private take(n: number, what: string): number {
    if (n > this.buf.length - this.at) throw new PayloadError(`the link is cut short (while reading ${what})`);
    const start = this.at;
    this.at += n;
    return start;
  }

  u8(what: string): number {
    return this.view.getUint8(this.take(1, what));
  }

  u16(what: string): number {
    return this.view.getUint16(this.take(2, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.take(4, what), true);
  }

  f32(what: string): number {
    return this.view.getFloat32(this.take(4, what), true);
  }

  f64(what: string): number {
    return this.view.getFloat64(this.take(8, what), true);
  }

  /** A view (not a copy) of the next n bytes; the length is checked before anything is allocated. */
  bytes(n: number, what: string): Uint8Array {
    const start = this.take(n, what);
    return this.buf.subarray(start, start + n);
  }

  get remaining(): number {
    return this.buf.length - this.at;
  }
}
