/** Human-readable CLI output: the handshake summary and failures. */
import { formatAddress } from './address.js';

const ARROW = { out: '→', in: '←' };

/**
 * @param {import('./index.d.ts').OpenedInfo} info
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

/** @param {import('./errors.js').WasmTlsError} err */
export function formatFailure(err) {
  const lines = [`wasmtls: ${err.code}: ${err.message}`];
  if (err.alert) lines.push(`  peer alert: ${err.alert}`);
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  return `${lines.join('\n')}\n`;
}
