/**
 * A strict DER reader (definite, minimal lengths; single-byte tags up to 30
 * plus multi-byte tag numbers) for the X.509 parser.
 */

export class DerError extends Error {
  constructor(message) { super(`malformed DER: ${message}`); this.name = 'DerError'; }
}

/**
 * @typedef {{ tag: number, cls: number, constructed: boolean, number: number,
 *             start: number, headerLen: number, len: number, bytes: Uint8Array, der: Uint8Array }} DerNode
 *   `tag` is the first identifier byte; `bytes` the contents; `der` the whole TLV.
 */

/**
 * Read one TLV at `off` in `buf`.
 * @param {Uint8Array} buf
 * @param {number} [off]
 * @returns {DerNode}
 */
export function readTlv(buf, off = 0) {
  const start = off;
  if (off >= buf.length) throw new DerError('unexpected end of data');
  const tag = buf[off++];
  let number = tag & 0x1f;
  if (number === 0x1f) {
    number = 0;
    for (let i = 0; ; i++) {
      if (off >= buf.length || i > 3) throw new DerError('bad tag');
      const b = buf[off++];
      if (i === 0 && b === 0x80) throw new DerError('non-minimal tag');
      number = (number << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    if (number < 0x1f) throw new DerError('non-minimal tag');
  }
  if (off >= buf.length) throw new DerError('missing length');
  let len = buf[off++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length');
    if (n > 4) throw new DerError('length too large');
    if (off + n > buf.length) throw new DerError('truncated length');
    if (buf[off] === 0) throw new DerError('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off++];
    if (len < 0x80) throw new DerError('non-minimal length');
  }
  if (off + len > buf.length) throw new DerError('content runs past the end');
  return {
    tag, cls: tag >> 6, constructed: (tag & 0x20) !== 0, number,
    start, headerLen: off - start, len,
    bytes: buf.subarray(off, off + len),
    der: buf.subarray(start, off + len),
  };
}

/**
 * Parse `buf` as exactly one TLV (no trailing bytes).
 * @param {Uint8Array} buf
 */
export function readOne(buf) {
  const node = readTlv(buf, 0);
  if (node.der.length !== buf.length) throw new DerError('trailing bytes');
  return node;
}

/**
 * The children of a constructed node.
 * @param {DerNode} node
 * @returns {DerNode[]}
 */
export function children(node) {
  if (!node.constructed) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out = [];
  for (let off = 0; off < node.bytes.length;) {
    const child = readTlv(node.bytes, off);
    out.push(child);
    off += child.der.length;
  }
  return out;
}

/**
 * Assert a node's tag.
 * @param {DerNode | undefined} node
 * @param {number} tag
 * @param {string} what
 * @returns {DerNode}
 */
export function expect(node, tag, what) {
  if (!node) throw new DerError(`missing ${what}`);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

/** Decode an OBJECT IDENTIFIER's contents to dotted form. @param {Uint8Array} bytes */
export function decodeOid(bytes) {
  if (!bytes.length) throw new DerError('empty OID');
  const arcs = [];
  let value = 0n;
  let first = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (value === 0n && b === 0x80) throw new DerError('non-minimal OID arc');
    value = (value << 7n) | BigInt(b & 0x7f);
    if (b & 0x80) {
      if (i === bytes.length - 1) throw new DerError('truncated OID');
      continue;
    }
    if (first) {
      const x = value < 80n ? value / 40n : 2n;
      arcs.push(x, value - x * 40n);
      first = false;
    } else {
      arcs.push(value);
    }
    value = 0n;
  }
  return arcs.join('.');
}

/** Hex of bytes, upper case, optional separator. */
export function hex(bytes, sep = '') {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(sep);
}
