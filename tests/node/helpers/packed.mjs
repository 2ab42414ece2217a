// The package as users get it: `npm pack` of this repository, installed from
// the tarball file (offline) into an empty temporary project. Tests for other
// runtimes run against that installed copy, not the source tree.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Pack and install into a fresh temp project (removed at process exit).
 * @returns {{ dir: string, tarball: string, files: string[], packMs: number, installMs: number }}
 */
export function installPackedCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-packed-'));
  process.once('exit', () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ } });
  let t = Date.now();
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(json);
  const packMs = Date.now() - t;
  const tarball = path.join(dir, info.filename);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'wasmtls-consumer', private: true, type: 'module' }));
  t = Date.now();
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-save', tarball], {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { dir, tarball, files: info.files.map((f) => f.path), packMs, installMs: Date.now() - t };
}

/**
 * A runtime binary from this repo's node_modules/.bin, or null with the reason
 * it cannot run here (the caller skips with that reason, never silently).
 * @param {string} name  'workerd' | 'deno' | 'bun'
 * @returns {{ bin: string | null, version: string, reason: string }}
 */
export function runtimeBinary(name) {
  let bin = path.join(REPO, 'node_modules', '.bin', name);
  if (!fs.existsSync(bin)) return { bin: null, version: '', reason: `${bin} is not installed (npm ci installs it)` };
  // npm may skip bun's postinstall (its .bin wrapper then refuses to run); the platform binary works.
  const bunNative = path.join(REPO, 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun');
  if (name === 'bun' && fs.existsSync(bunNative)) bin = bunNative;
  try {
    const version = execFileSync(bin, ['--version'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000, env: runtimeEnv(),
    }).trim();
    return { bin, version, reason: '' };
  } catch (err) {
    return { bin: null, version: '', reason: `${name} cannot run on this machine: ${(err.stderr || err.message).toString().trim().split('\n')[0]}` };
  }
}

/** Environment for child runtimes: no update checks, prompts or telemetry. */
export function runtimeEnv() {
  return { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' };
}
