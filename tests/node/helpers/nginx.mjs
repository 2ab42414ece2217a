// A private Debian nginx for tests: TLS with a leaf of the test PKI (helpers/pki.mjs), HTTP/1.1
// and http2 on one 127.0.0.1 port chosen at run time, gzip on, static files generated into a
// temp dir (random bytes, sha256 known). `daemon off` and `master_process off`: the PID we hold
// is the only nginx process, and stop() kills exactly it.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './servers.mjs';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? null;

/** Static files: name → size. Content is random; sha256 returned by startNginx. */
export const FILE_SIZES = {
  '1k.bin': 1024,
  '64k.bin': 64 * 1024,
  '1m.bin': 1024 * 1024,
  '16m.bin': 16 * 1024 * 1024,
  '64m.bin': 64 * 1024 * 1024,
};

function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(); });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * @param {{ leaf: { chainFile: string, keyFile: string }, sizes?: Record<string, number> }} o
 * @returns {Promise<{ port: number, url: string, files: Record<string, { size: number, sha256: string }>,
 *   text: string, stop: () => Promise<void>, log: () => string }>}
 */
export async function startNginx({ leaf, sizes = FILE_SIZES }) {
  if (!NGINX) throw new Error('nginx is not installed (scripts/setup.sh installs it)');
  // As root nginx's workers would run as an unprivileged user; with master_process off the one
  // process serves everything itself, but the directory must still be reachable.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-nginx-'));
  fs.chmodSync(dir, 0o755);
  const cleanup = () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ } };
  process.once('exit', cleanup);
  const www = path.join(dir, 'www');
  fs.mkdirSync(www);
  const files = {};
  for (const [name, size] of Object.entries(sizes)) {
    const bytes = crypto.randomBytes(size);
    fs.writeFileSync(path.join(www, name), bytes);
    files[name] = { size, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  }
  const text = 'wasmtls nginx gzip test line\n'.repeat(8192);
  fs.writeFileSync(path.join(www, 'text.txt'), text);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t));

  let lastErr;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await getFreePort();
    const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  types { text/plain txt; application/octet-stream bin; }
  default_type application/octet-stream;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  sendfile on;
  keepalive_requests 10000;
  http2_max_concurrent_streams 128;
  gzip on;
  gzip_types text/plain;
  gzip_min_length 256;
  server {
    listen 127.0.0.1:${port} ssl http2;
    server_name localhost;
    ssl_certificate ${leaf.chainFile};
    ssl_certificate_key ${leaf.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${www};
    location / { }
  }
}
`;
    const confFile = path.join(dir, 'nginx.conf');
    fs.writeFileSync(confFile, conf);
    const child = spawn(NGINX, ['-p', dir, '-c', confFile, '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* ignore */ } };
    process.once('exit', killOnExit);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await Promise.race([waitForPort(port, 5000), exited.then(() => { throw new Error(`nginx exited: ${stderr}`); })]);
    } catch (err) {
      lastErr = err;
      killOnExit();
      await exited;
      continue;
    }
    const log = () => { try { return fs.readFileSync(path.join(dir, 'error.log'), 'utf8'); } catch { return ''; } };
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited; }
      process.removeListener('exit', killOnExit);
      cleanup();
    };
    return { port, url: `https://127.0.0.1:${port}`, files, text, stop, log };
  }
  throw lastErr;
}
