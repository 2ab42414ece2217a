// A private PostgreSQL cluster (Debian `postgresql`) for tests: initdb into a
// temp dir, ssl=on with a certificate from our test PKI, trust auth, listening
// on a free 127.0.0.1 port only. As root, initdb/postgres refuse to run, so
// they run as the `postgres` user via setpriv (exec, no wrapper process: the
// PID we hold is the postmaster's, and stop() kills exactly it).

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './servers.mjs';

/** The newest /usr/lib/postgresql/<v>/bin holding initdb, or null. */
export function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

function asPostgresUser(cmd, args) {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', cmd, ...args]];
}

/**
 * Start a cluster; resolves when it accepts connections.
 * @param {{ leaf: { certFile: string, keyFile: string, chainFile: string } }} o  server certificate (chain file sent)
 * @returns {Promise<{ port: number, version: string, stop: () => Promise<void>, log: () => string }>}
 */
export async function startPostgres({ leaf }) {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb)');
  const root = process.getuid?.() === 0;
  // As root the cluster runs as `postgres`, which must be able to reach the directory.
  const tmp = root && (fs.statSync(os.tmpdir()).mode & 0o001) === 0 ? '/tmp' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(tmp, 'wasmtls-pg-'));
  const cleanup = () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ } };
  process.once('exit', cleanup);
  const data = path.join(dir, 'data');
  fs.copyFileSync(leaf.chainFile, path.join(dir, 'server.crt'));
  fs.copyFileSync(leaf.keyFile, path.join(dir, 'server.key'));
  fs.chmodSync(path.join(dir, 'server.key'), 0o600);
  if (root) {
    const { uid, gid } = userIds('postgres');
    for (const f of ['', 'server.crt', 'server.key']) fs.chownSync(path.join(dir, f), uid, gid);
  }
  const [initCmd, initArgs] = asPostgresUser(path.join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--locale=C']);
  execFileSync(initCmd, initArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });

  const port = await getFreePort();
  const [cmd, args] = asPostgresUser(path.join(bin, 'postgres'), ['-D', data,
    '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`,
    '-c', 'ssl=on', '-c', `ssl_cert_file=${path.join(dir, 'server.crt')}`, '-c', `ssl_key_file=${path.join(dir, 'server.key')}`,
    '-c', 'fsync=off', '-c', 'shared_buffers=16MB', '-c', 'max_connections=10', '-c', 'logging_collector=off']);
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const kill = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.once('exit', kill);
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 20000);
    const check = () => { if (/ready to accept connections/.test(log)) { clearTimeout(timer); resolve(true); } };
    child.stderr.on('data', check);
    child.stdout.on('data', check);
    child.once('exit', () => { clearTimeout(timer); resolve(false); });
  });
  const stop = () => new Promise((resolve) => {
    const done = () => { cleanup(); resolve(); };
    if (child.exitCode !== null || child.signalCode !== null) { done(); return; }
    child.once('exit', done);
    child.kill('SIGQUIT'); // immediate shutdown; the postmaster stops its backends
    setTimeout(kill, 3000).unref();
  });
  if (!ready) { await stop(); throw new Error(`postgres did not start:\n${log}`); }
  const version = execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  return { port, version, stop, log: () => log };
}

function userIds(name) {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
