/**
 * A small, strict X.509 parser for display (opened.peerCertificates). It does
 * not verify anything: the engine already did. Throws DerError on malformed
 * input.
 */
import { DerError, children, decodeOid, expect, hex, readOne } from './der.js';

const T = Object.freeze({
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  UTF8: 0x0c, NUMERIC: 0x12, PRINTABLE: 0x13, T61: 0x14, IA5: 0x16, UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18, VISIBLE: 0x1a, UNIVERSAL: 0x1c, BMP: 0x1e,
  SEQUENCE: 0x30, SET: 0x31, VERSION: 0xa0, EXTENSIONS: 0xa3,
});

/** Short names of name attributes, as OpenSSL prints them. */
const ATTRIBUTE_NAMES = Object.freeze({
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L',
  '2.5.4.8': 'ST', '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title',
  '2.5.4.15': 'businessCategory', '2.5.4.17': 'postalCode', '2.5.4.42': 'GN', '2.5.4.43': 'initials',
  '2.5.4.46': 'dnQualifier', '2.5.4.65': 'pseudonym', '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID', '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST', '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
});

const SIGNATURE_NAMES = Object.freeze({
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption', '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption', '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption', '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384', '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519', '1.3.101.113': 'ED448',
});

const CURVES = Object.freeze({
  '1.2.840.10045.3.1.7': { curve: 'P-256', bits: 256 },
  '1.3.132.0.34': { curve: 'P-384', bits: 384 },
  '1.3.132.0.35': { curve: 'P-521', bits: 521 },
  '1.3.132.0.10': { curve: 'secp256k1', bits: 256 },
});

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_EC = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';
const OID_ED448 = '1.3.101.113';
const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

/**
 * @typedef {{ type: string, bits: number, curve?: string }} PublicKeyInfo
 * @typedef {{
 *   der: Uint8Array, subject: string, issuer: string, serialNumber: string,
 *   validFrom: Date, validTo: Date, subjectAltNames: string[], isCA: boolean,
 *   signatureAlgorithm: string, publicKey: PublicKeyInfo | null, fingerprint256?: string
 * }} ParsedCertificate
 */

/**
 * Parse a DER certificate (synchronous; no fingerprint).
 * @param {Uint8Array} der
 * @returns {ParsedCertificate}
 */
export function parseCertificate(der) {
  const cert = expect(readOne(der), T.SEQUENCE, 'Certificate');
  const [tbsNode, sigAlgNode, sigNode, extra] = children(cert);
  expect(tbsNode, T.SEQUENCE, 'tbsCertificate');
  expect(sigAlgNode, T.SEQUENCE, 'signatureAlgorithm');
  expect(sigNode, T.BIT_STRING, 'signatureValue');
  if (extra) throw new DerError('extra fields after the signature');

  const tbs = children(tbsNode);
  let i = 0;
  let version = 1;
  if (tbs[i]?.tag === T.VERSION) {
    const v = expect(children(tbs[i])[0], T.INTEGER, 'version');
    version = Number(integerValue(v.bytes)) + 1;
    i++;
  }
  const serial = expect(tbs[i++], T.INTEGER, 'serialNumber');
  expect(tbs[i++], T.SEQUENCE, 'signature');
  const issuer = expect(tbs[i++], T.SEQUENCE, 'issuer');
  const validity = children(expect(tbs[i++], T.SEQUENCE, 'validity'));
  const subject = expect(tbs[i++], T.SEQUENCE, 'subject');
  const spki = expect(tbs[i++], T.SEQUENCE, 'subjectPublicKeyInfo');
  if (validity.length !== 2) throw new DerError('validity must have two times');

  let subjectAltNames = [];
  let isCA = false;
  for (; i < tbs.length; i++) {
    if (tbs[i].tag !== T.EXTENSIONS) continue; // issuerUniqueID / subjectUniqueID
    if (version < 3) throw new DerError('extensions in a v1/v2 certificate');
    const exts = children(expect(children(tbs[i])[0], T.SEQUENCE, 'extensions'));
    for (const ext of exts) {
      const parts = children(expect(ext, T.SEQUENCE, 'extension'));
      const oid = decodeOid(expect(parts[0], T.OID, 'extnID').bytes);
      const value = expect(parts[parts.length - 1], T.OCTET_STRING, 'extnValue').bytes;
      if (oid === OID_SAN) subjectAltNames = parseGeneralNames(value);
      else if (oid === OID_BASIC_CONSTRAINTS) isCA = parseBasicConstraintsCA(value);
    }
  }

  return {
    der,
    subject: formatName(subject),
    issuer: formatName(issuer),
    serialNumber: serialHex(serial.bytes),
    validFrom: parseTime(validity[0]),
    validTo: parseTime(validity[1]),
    subjectAltNames,
    isCA,
    signatureAlgorithm: oidName(sigAlgNode, SIGNATURE_NAMES),
    publicKey: parsePublicKey(spki),
  };
}

/**
 * Parse a certificate and add its SHA-256 fingerprint (colon-separated upper-case hex).
 * @param {Uint8Array} der
 * @returns {Promise<ParsedCertificate & { fingerprint256: string }>}
 */
export async function describeCertificate(der) {
  const parsed = parseCertificate(der);
  return { ...parsed, fingerprint256: await fingerprint256(der) };
}

/** SHA-256 of `der`, as "AB:CD:…". @param {Uint8Array} der */
export async function fingerprint256(der) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', der);
  return hex(new Uint8Array(digest), ':');
}

/* ------------------------------------------------------------------ names */

/** RDNSequence → "CN=localhost, O=wasmtls test" (attributes in certificate order). */
function formatName(nameNode) {
  return children(nameNode).map((rdn) => {
    expect(rdn, T.SET, 'RelativeDistinguishedName');
    return children(rdn).map((atv) => {
      const [typeNode, valueNode, extra] = children(expect(atv, T.SEQUENCE, 'AttributeTypeAndValue'));
      if (!valueNode || extra) throw new DerError('AttributeTypeAndValue must have two fields');
      const oid = decodeOid(expect(typeNode, T.OID, 'attribute type').bytes);
      const value = decodeString(valueNode);
      return `${ATTRIBUTE_NAMES[oid] ?? oid}=${value === null ? `#${hex(valueNode.der)}` : escapeValue(value)}`;
    }).join(' + ');
  }).join(', ');
}

/** RFC 4514 escaping of a name attribute value. */
function escapeValue(value) {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[#\s]/, (c) => `\\${c}`)
    .replace(/\s$/, (c) => `\\${c}`)
    .replace(/[\u0000-\u001f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Decode an ASN.1 character string; null if `node` is not one. */
function decodeString(node) {
  const b = node.bytes;
  switch (node.tag) {
    case T.UTF8: return utf8.decode(b);
    case T.PRINTABLE: case T.IA5: case T.NUMERIC: case T.VISIBLE:
      if (b.some((c) => c > 0x7f)) throw new DerError('non-ASCII byte in an ASCII string');
      return latin1.decode(b);
    case T.T61: return latin1.decode(b);
    case T.BMP: {
      if (b.length % 2) throw new DerError('odd BMPString length');
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    case T.UNIVERSAL: {
      if (b.length % 4) throw new DerError('bad UniversalString length');
      let s = '';
      for (let i = 0; i < b.length; i += 4) s += String.fromCodePoint(((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0);
      return s;
    }
    default: return null;
  }
}

/* ------------------------------------------------------------------- times */

/** UTCTime / GeneralizedTime (DER: seconds, 'Z') → Date. */
function parseTime(node) {
  const s = latin1.decode(node.bytes);
  let m;
  if (node.tag === T.UTC_TIME) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (!m) throw new DerError(`bad UTCTime ${JSON.stringify(s)}`);
    const yy = Number(m[1]);
    m[1] = String(yy < 50 ? 2000 + yy : 1900 + yy);
  } else if (node.tag === T.GENERALIZED_TIME) {
    m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (!m) throw new DerError(`bad GeneralizedTime ${JSON.stringify(s)}`);
  } else {
    throw new DerError(`time has tag 0x${node.tag.toString(16)}`);
  }
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (month < 1 || month > 12 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError(`invalid date ${JSON.stringify(s)}`);
  }
  return date;
}

/* ------------------------------------------------------------ extensions */

/** subjectAltName → ['DNS:localhost', 'IP Address:127.0.0.1', …] (Node's style). */
function parseGeneralNames(value) {
  const seq = expect(readOne(value), T.SEQUENCE, 'GeneralNames');
  return children(seq).map((gn) => {
    switch (gn.tag) {
      case 0x81: return `email:${ascii(gn.bytes)}`;
      case 0x82: return `DNS:${ascii(gn.bytes)}`;
      case 0x86: return `URI:${ascii(gn.bytes)}`;
      case 0x87: return `IP Address:${formatIp(gn.bytes)}`;
      case 0x88: return `Registered ID:${decodeOid(gn.bytes)}`;
      case 0xa4: return `DirName:${formatName(expect(children(gn)[0], T.SEQUENCE, 'directoryName'))}`;
      case 0xa0: return 'othername:<unsupported>';
      default: return `<unsupported name type 0x${gn.tag.toString(16)}>`;
    }
  });
}

function ascii(bytes) {
  if (bytes.some((c) => c > 0x7f)) throw new DerError('non-ASCII byte in an IA5String');
  return latin1.decode(bytes);
}

/** 4 or 16 bytes → dotted quad or RFC 5952 IPv6 text. @param {Uint8Array} b */
export function formatIp(b) {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length !== 16) return `<invalid IP of ${b.length} bytes>`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // Longest run of two or more zero groups becomes '::' (first one on a tie).
  let bestStart = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const text = (gs) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return text(groups);
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLen))}`;
}

function parseBasicConstraintsCA(value) {
  const fields = children(expect(readOne(value), T.SEQUENCE, 'BasicConstraints'));
  if (fields[0]?.tag !== T.BOOLEAN) return false;
  if (fields[0].bytes.length !== 1) throw new DerError('bad BOOLEAN');
  return fields[0].bytes[0] === 0xff;
}

/* ------------------------------------------------------------- key & misc */

function parsePublicKey(spki) {
  const [alg, key] = children(spki);
  const algParts = children(expect(alg, T.SEQUENCE, 'algorithm'));
  const oid = decodeOid(expect(algParts[0], T.OID, 'algorithm OID').bytes);
  const bits = expect(key, T.BIT_STRING, 'subjectPublicKey').bytes;
  if (oid === OID_RSA || oid === OID_RSA_PSS) {
    if (bits[0] !== 0) throw new DerError('RSA key BIT STRING with unused bits');
    const [modulus] = children(expect(readOne(bits.subarray(1)), T.SEQUENCE, 'RSAPublicKey'));
    return { type: oid === OID_RSA ? 'RSA' : 'RSA-PSS', bits: bitLength(expect(modulus, T.INTEGER, 'modulus').bytes) };
  }
  if (oid === OID_EC) {
    const params = algParts[1];
    const curve = params?.tag === T.OID ? CURVES[decodeOid(params.bytes)] : undefined;
    return curve ? { type: 'EC', bits: curve.bits, curve: curve.curve } : { type: 'EC', bits: 0 };
  }
  if (oid === OID_ED25519) return { type: 'Ed25519', bits: 256 };
  if (oid === OID_ED448) return { type: 'Ed448', bits: 456 };
  return { type: oid, bits: 0 };
}

function bitLength(intBytes) {
  let i = 0;
  while (i < intBytes.length - 1 && intBytes[i] === 0) i++;
  if (i >= intBytes.length) return 0;
  return (intBytes.length - i - 1) * 8 + (32 - Math.clz32(intBytes[i]));
}

function integerValue(bytes) {
  if (!bytes.length) throw new DerError('empty INTEGER');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Serial number as upper-case hex without a sign-padding zero byte. */
function serialHex(bytes) {
  if (!bytes.length) throw new DerError('empty INTEGER');
  if (bytes.length > 1 && bytes[0] === 0 && !(bytes[1] & 0x80)) throw new DerError('non-minimal INTEGER');
  const start = bytes.length > 1 && bytes[0] === 0 ? 1 : 0;
  return hex(bytes.subarray(start));
}

function oidName(algNode, table) {
  const oid = decodeOid(expect(children(algNode)[0], T.OID, 'algorithm OID').bytes);
  return table[oid] ?? oid;
}
