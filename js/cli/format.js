/** Human-readable CLI output: the handshake summary and failures. */
import { formatAddress } from '../core/address.js';
import { hintFor } from '../core/hints.js';

const ARROW = { out: '→', in: '←' };

/**
 * @param {import('../index.d.ts').OpenedInfo} info
 * @param {{ hostname: string, port: number }} address
 */
export function formatSummary(info, address) {
  const lines = [];
  lines.push(`* connected to ${formatAddress(address)} (server name ${info.serverName})`);
  lines.push(`* ${info.version}, ${info.cipher}, ${info.group}, ALPN: ${info.alpn ?? 'none'}, handshake ${info.timings.handshakeMs.toFixed(1)} ms${info.resumed ? ', resumed' : ''}`);
  info.peerCertificates.forEach((cert, i) => {
    lines.push(`* certificate ${i}: ${cert.subject || '(unparsed)'}`);
    lines.push(`*   issuer:  ${cert.issuer}`);
    if (!Number.isNaN(cert.validFrom.getTime())) {
      lines.push(`*   valid:   ${cert.validFrom.toISOString()} to ${cert.validTo.toISOString()}`);
    }
    if (cert.subjectAltNames.length) lines.push(`*   SAN:     ${cert.subjectAltNames.join(', ')}`);
    if (cert.publicKey) lines.push(`*   key:     ${cert.publicKey.type}${cert.publicKey.curve ? ` ${cert.publicKey.curve}` : ''} ${cert.publicKey.bits} bits`);
  });
  lines.push('* handshake steps:');
  for (const step of info.timings.steps) {
    const detail = step.detail ? ` (${step.detail})` : '';
    lines.push(`*   ${step.ms.toFixed(1).padStart(8)} ms ${ARROW[step.dir]} ${step.name}${detail}${step.bytes ? ` ${step.bytes} B` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The hint for the CLI: worded with its flags (--ca FILE, not `ca`); a hint
 * the error brought that is not the generic API one for its code is kept.
 * @param {import('../core/errors.js').WasmTlsError} err
 * @param {{ cli?: boolean, caGiven?: boolean }} context
 */
export function cliHint(err, context) {
  const generic = err.hint === undefined || err.hint === hintFor(err.code) || err.hint === hintFor(err.code, { caGiven: false });
  return generic ? hintFor(err.code, { ...context, cli: true }) : err.hint;
}

/**
 * The "error" object of the --json line: code and message (always, in this order), then
 * the hint when there is one.
 * @param {import('../core/errors.js').WasmTlsError} err
 * @param {{ caGiven?: boolean }} [context]
 */
export function errorJson(err, context = {}) {
  const out = { code: err.code, message: err.message };
  const hint = cliHint(err, context);
  if (hint) out.hint = hint;
  return out;
}

/**
 * @param {import('../core/errors.js').WasmTlsError} err
 * @param {{ caGiven?: boolean }} [context]
 */
export function formatFailure(err, context = {}) {
  const lines = [`wasmtls: ${err.code}: ${err.message}`];
  if (err.alert) lines.push(`  peer alert: ${err.alert}`);
  const hint = cliHint(err, context);
  if (hint) lines.push(`  hint: ${hint}`);
  return `${lines.join('\n')}\n`;
}
