// Run a worker under the npm `workerd` binary with a generated capnp config.
//
// workerd has no package resolution: the config lists every module. The
// installed package's js/ files become modules named
// "node_modules/wasmtls/js/<file>" (the .wasm as a `wasm` module, i.e. a
// compiled WebAssembly.Module), and a module named "wasmtls" re-exports the
// package's "workerd" entry, so the worker's `import ... from 'wasmtls'` works
// as it does under wrangler. `embed` paths are relative to the config file,
// so the config is written into the project directory.

import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { getFreePort } from './servers.mjs';

const capnpString = (s) => JSON.stringify(s); // capnp text strings use C-style escapes like JSON

/** All files under dir (relative paths, '/' separated). */
function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Write `<projectDir>/<name>.capnp` for `workerFile` (relative to projectDir).
 * @param {object} o
 * @param {string} o.projectDir  holds node_modules/wasmtls (the installed package)
 * @param {string} o.workerFile  e.g. 'worker.js'
 * @param {Record<string, string>} o.bindings  text bindings (env.NAME)
 * @param {number} o.port  HTTP port for the worker (127.0.0.1)
 * @param {string[]} [o.extraModules]  more ES modules next to the worker
 */
export function writeWorkerdConfig({ projectDir, workerFile, bindings, port, extraModules = [], name = 'workerd' }) {
  const pkgJs = path.join(projectDir, 'node_modules/wasmtls/js');
  const pkgPkg = JSON.parse(fs.readFileSync(path.join(projectDir, 'node_modules/wasmtls/package.json'), 'utf8'));
  const entry = pkgPkg.exports['.'].workerd.replace(/^\.\//, 'node_modules/wasmtls/');
  const modules = [`(name = ${capnpString(workerFile)}, esModule = embed ${capnpString(workerFile)})`];
  for (const m of extraModules) modules.push(`(name = ${capnpString(m)}, esModule = embed ${capnpString(m)})`);
  modules.push(`(name = "wasmtls", esModule = ${capnpString(`export * from "./${entry}";`)})`);
  for (const rel of listFiles(pkgJs)) {
    const mod = `node_modules/wasmtls/js/${rel}`;
    if (rel.endsWith('.wasm')) modules.push(`(name = ${capnpString(mod)}, wasm = embed ${capnpString(mod)})`);
    else if (rel.endsWith('.js') && !rel.startsWith('cli')) modules.push(`(name = ${capnpString(mod)}, esModule = embed ${capnpString(mod)})`);
  }
  const bindingList = Object.entries(bindings).map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # connect() may reach loopback only (the test servers).
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  bindings = [
    ${bindingList.join(',\n    ')}
  ],
  compatibilityDate = "2025-09-01",
);
`;
  const file = path.join(projectDir, `${name}.capnp`);
  fs.writeFileSync(file, config);
  return file;
}

/**
 * Start `workerd serve` on a free port; resolves once it answers HTTP.
 * @returns {Promise<{ url: string, stop: () => Promise<void>, output: () => string }>}
 */
export async function startWorkerd({ workerdBin, projectDir, workerFile, bindings, extraModules, name }) {
  const port = await getFreePort();
  const config = writeWorkerdConfig({ projectDir, workerFile, bindings, port, extraModules, name });
  const child = spawn(workerdBin, ['serve', path.basename(config)], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  process.once('exit', () => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${out}`);
    try {
      await canConnect(port);
      break;
    } catch {
      if (Date.now() > deadline) { await stop(); throw new Error(`workerd did not start:\n${out}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, stop, output: () => out };
}

/** Resolves when 127.0.0.1:port accepts a TCP connection. */
function canConnect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(); });
    s.once('error', reject);
  });
}
