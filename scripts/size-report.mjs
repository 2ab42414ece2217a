// Where the bytes of what a browser downloads are (docs/PERFORMANCE.md, "Size breakdown").
//   node scripts/size-report.mjs wasm [<wasm build dir: build/wasm-simd>] [--funcs N]
//   node scripts/size-report.mjs bundle
// wasm relinks the build dir's module with the names kept (its link command + `--profiling-funcs`,
// then the same wasm-opt pass as cmake/wasm.cmake with -g): the code is the shipped module's, byte
// for byte up to the function order (a few hundred bytes in all).
// wasm: per function (the name section of a `--profiling-funcs` link) and per source file (each
// function name looked up in the build's objects with llvm-nm; libc/emmalloc from the sysroot
// otherwise), raw code bytes and the share of the gzip: how many gzip -9 bytes the module loses
// when that group's bytes are left out (so the shares of small groups add up to a bit less than the
// total). The data section is split into text (printable runs of >= 4 bytes ending in NUL) and the rest.
// bundle: esbuild's metafile (bytes of each input module in the minified output) and, through a
// source map of the same build, each module's share of the gzip, measured the same way.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const [mode, ...args] = process.argv.slice(2);

function leb(buf, pos) {
  let result = 0, shift = 0, b;
  do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [result, pos];
}

function parseWasm(buf) {
  const sections = [];
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, p] = leb(buf, pos + 1);
    sections.push({ id, start: pos, body: p, end: p + size });
    pos = p + size;
  }
  let imported = 0;
  const bodies = [];
  const names = new Map();
  for (const s of sections) {
    if (s.id === 2) { // imports: count functions
      let [n, p] = leb(buf, s.body);
      for (let i = 0; i < n; i++) {
        let len; [len, p] = leb(buf, p); p += len; [len, p] = leb(buf, p); p += len;
        const kind = buf[p++];
        if (kind === 0) { imported++; [, p] = leb(buf, p); }
        else if (kind === 1) { p++; const f = buf[p++]; [, p] = leb(buf, p); if (f & 1) [, p] = leb(buf, p); }
        else if (kind === 2) { const f = buf[p++]; [, p] = leb(buf, p); if (f & 1) [, p] = leb(buf, p); }
        else if (kind === 3) p += 2;
      }
    } else if (s.id === 10) {
      let [n, p] = leb(buf, s.body);
      for (let i = 0; i < n; i++) { const [size, q] = leb(buf, p); bodies.push({ index: imported + i, start: p, end: q + size }); p = q + size; }
    } else if (s.id === 0) {
      const [nlen, p0] = leb(buf, s.body);
      if (buf.toString('latin1', p0, p0 + nlen) !== 'name') continue;
      let p = p0 + nlen;
      while (p < s.end) {
        const sub = buf[p];
        const [size, q] = leb(buf, p + 1);
        if (sub === 1) {
          let [n, r] = leb(buf, q);
          for (let i = 0; i < n; i++) {
            let idx, len; [idx, r] = leb(buf, r); [len, r] = leb(buf, r);
            names.set(idx, buf.toString('utf8', r, r + len)); r += len;
          }
        }
        p = q + size;
      }
    }
  }
  return { sections, bodies, names };
}

/** gzip bytes lost when the byte ranges are left out of buf. */
function gzipShare(buf, total, ranges) {
  ranges = [...ranges].sort((a, b) => a[0] - b[0]);
  const parts = [];
  let at = 0;
  for (const [s, e] of ranges) { if (s > at) parts.push(buf.subarray(at, s)); at = Math.max(at, e); }
  parts.push(buf.subarray(at));
  return total - gz(Buffer.concat(parts));
}

function symbolFiles(buildDir) {
  // name -> source files defining it (static functions may share a name across files)
  const map = new Map();
  const objs = execFileSync('find', [buildDir, '-name', '*.o', '-path', '*CMakeFiles/*'], { encoding: 'utf8' })
    .split('\n').filter((f) => f && /CMakeFiles\/(bearssl|wasmtls|wasmtls_wasm)\.dir\//.test(f));
  for (const o of objs) {
    const out = execFileSync('llvm-nm', ['--defined-only', o], { encoding: 'utf8' });
    let src = o.replace(/.*CMakeFiles\/[^/]+\.dir\//, '').replace(/\.o$/, '');
    src = src.replace(/^.*?\.deps\/bearssl[^/]*\//, 'bearssl/').replace(/^(work|_)\/.*?\/(src|wasm)\//, '$2/');
    src = src.replace(/^.*\/BearSSL[^/]*\//i, 'bearssl/');
    for (const line of out.split('\n')) {
      const m = /^\S+\s+([tTdDrRbB])\s+(\S+)$/.exec(line);
      if (!m || !/[tT]/.test(m[1])) continue;
      if (!map.has(m[2])) map.set(m[2], new Set());
      map.get(m[2]).add(src);
    }
  }
  return map;
}

function wasmReport(file, buildDir, nfuncs) {
  const buf = fs.readFileSync(file);
  const { sections, bodies, names } = parseWasm(buf);
  // the module as shipped: without the name section
  const strippedParts = [buf.subarray(0, 8)];
  for (const s of sections) if (s.id !== 0) strippedParts.push(buf.subarray(s.start, s.end));
  const shipped = Buffer.concat(strippedParts);
  const offset = (p) => { // offset in `shipped` of a byte at p in buf
    let off = 8;
    for (const s of sections) { if (s.id === 0) continue; if (p >= s.start && p < s.end) return off + (p - s.start); off += s.end - s.start; }
    throw new Error('offset');
  };
  const total = gz(shipped);
  const files = symbolFiles(buildDir);
  const groups = new Map();
  const funcs = [];
  for (const b of bodies) {
    const name = names.get(b.index) ?? `f${b.index}`;
    // LTO suffixes a static function's name (.123), binaryen names merged functions byn$mgfn-shared$…
    const defs = files.get(name.replace(/^byn\$mgfn-shared\$/, '').replace(/\.\d+$/, ''));
    let src = defs ? [...defs].sort().join(' | ') : 'libc / emmalloc (sysroot)';
    if (!defs && /^(wt_|br_)/.test(name)) src = '(unattributed)';
    const r = [offset(b.start), offset(b.end)];
    funcs.push({ name, src, raw: b.end - b.start, range: r });
    if (!groups.has(src)) groups.set(src, { raw: 0, ranges: [], n: 0 });
    const g = groups.get(src); g.raw += b.end - b.start; g.ranges.push(r); g.n++;
  }
  const sectionName = { 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global', 7: 'export', 9: 'elem', 10: 'code', 11: 'data', 12: 'datacount' };
  console.log(`module ${shipped.length} B raw, ${total} B gzip -9 (name section left out)\n`);
  console.log('| section | raw B | gzip share B |\n|---|---:|---:|');
  for (const s of sections) if (s.id !== 0) console.log(`| ${sectionName[s.id] ?? s.id} | ${s.end - s.start} | ${gzipShare(shipped, total, [[offset(s.start), offset(s.end - 1) + 1]])} |`);
  // data: text vs the rest
  const data = sections.find((s) => s.id === 11);
  if (data) {
    const text = [];
    let run = -1;
    for (let p = data.body; p < data.end; p++) {
      const c = buf[p];
      if (c >= 0x20 && c < 0x7f) { if (run < 0) run = p; } else { if (c === 0 && run >= 0 && p - run >= 4) text.push([offset(run), offset(p) + 1]); run = -1; }
    }
    const textBytes = text.reduce((a, [s, e]) => a + e - s, 0);
    console.log(`| data: of it NUL-terminated text | ${textBytes} | ${gzipShare(shipped, total, text)} |`);
  }
  console.log('\n| source file | functions | raw code B | gzip share B |\n|---|---:|---:|---:|');
  const rows = [...groups].map(([src, g]) => ({ src, ...g, share: gzipShare(shipped, total, g.ranges) })).sort((a, b) => b.raw - a.raw);
  for (const r of rows) console.log(`| ${r.src} | ${r.n} | ${r.raw} | ${r.share} |`);
  console.log(`\n| function (top ${nfuncs}) | source | raw B | gzip share B |\n|---|---|---:|---:|`);
  for (const f of funcs.sort((a, b) => b.raw - a.raw).slice(0, nfuncs)) console.log(`| ${f.name} | ${f.src} | ${f.raw} | ${gzipShare(shipped, total, [f.range])} |`);
}

function decodeMappings(str) {
  // -> per generated line: [[genCol, srcIndex], ...]
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines = [];
  let src = 0;
  for (const line of str.split(';')) {
    const segs = [];
    let col = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals = [];
      let v = 0, shift = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        v += (d & 31) << shift;
        if (d & 32) shift += 5; else { vals.push(v & 1 ? -(v >>> 1) : v >>> 1); v = 0; shift = 0; }
      }
      col += vals[0];
      if (vals.length > 1) src += vals[1];
      segs.push([col, vals.length > 1 ? src : -1]);
      // (source line/column deltas not needed)
    }
    lines.push(segs);
  }
  return lines;
}

async function bundleReport() {
  const esbuild = await import('esbuild');
  const tmp = fs.mkdtempSync(path.join(ROOT, 'build', 'size-'));
  try {
    const outfile = path.join(tmp, 'b.min.js');
    const bundle = await import(path.join(ROOT, 'scripts', 'bundle-browser.mjs'));
    const result = await esbuild.build({ ...bundle.options(), outfile, sourcemap: 'external', metafile: true, logLevel: 'silent' });
    const out = fs.readFileSync(outfile);
    const map = JSON.parse(fs.readFileSync(outfile + '.map', 'utf8'));
    const text = out.toString('latin1');
    const total = gz(out);
    // byte ranges of each source
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    const ranges = new Map();
    const lines = decodeMappings(map.mappings);
    let prev = null;
    const close = (end) => { if (prev && prev.src >= 0) { const k = map.sources[prev.src]; if (!ranges.has(k)) ranges.set(k, []); ranges.get(k).push([prev.at, end]); } };
    lines.forEach((segs, li) => {
      for (const [col, src] of segs) { const at = lineStarts[li] + col; close(at); prev = { at, src }; }
    });
    close(out.length);
    const inputs = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('.js'))].inputs;
    console.log(`bundle ${out.length} B raw, ${total} B gzip -9 (${Object.keys(inputs).length} modules)\n`);
    console.log('| module | bytes in output | gzip share B |\n|---|---:|---:|');
    const rows = Object.entries(inputs).map(([f, v]) => {
      const key = [...ranges.keys()].find((k) => path.resolve(tmp, k) === path.resolve(ROOT, f));
      return { f, bytes: v.bytesInOutput, share: key ? gzipShare(out, total, ranges.get(key)) : NaN };
    }).sort((a, b) => b.bytes - a.bytes);
    for (const r of rows) console.log(`| ${r.f} | ${r.bytes} | ${r.share} |`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Relink `dir`'s wasm with a name section into a temporary file; \return its path. */
function namedBuild(dir) {
  const link = fs.readFileSync(path.join(dir, 'CMakeFiles', 'wasmtls_wasm.dir', 'link.txt'), 'utf8').trim();
  const tmp = fs.mkdtempSync(path.join(ROOT, 'build', 'size-'));
  const out = path.join(tmp, 'named.wasm');
  const cmd = link.replace(/ -o \S+\.wasm /, ` --profiling-funcs -o ${out} `);
  if (cmd === link) throw new Error('size-report: no -o in ' + dir + '/CMakeFiles/wasmtls_wasm.dir/link.txt');
  execFileSync('sh', ['-c', cmd], { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
  const cache = fs.readFileSync(path.join(dir, 'CMakeCache.txt'), 'utf8');
  const get = (k) => (new RegExp(`^${k}:[A-Z]+=(.*)$`, 'm').exec(cache) ?? [])[1] ?? '';
  const post = get('WT_WASM_POST_OPT'), tool = get('WT_WASM_OPT_TOOL');
  if (post && tool && !/NOTFOUND/.test(tool)) {
    const feats = ['--mvp-features', '--enable-mutable-globals', ...(/^(ON|1|TRUE)$/i.test(get('WT_WASM_SIMD')) ? ['--enable-simd', '--enable-bulk-memory'] : [])];
    execFileSync(tool, [...feats, ...post.split(/\s+/), '-g', out, '-o', out]);
  }
  return { out, tmp };
}

if (mode === 'wasm') {
  const n = args.includes('--funcs') ? Number(args[args.indexOf('--funcs') + 1]) : 30;
  const dir = path.resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--funcs') ?? path.join(ROOT, 'build', 'wasm-simd'));
  const { out, tmp } = namedBuild(dir);
  try { wasmReport(out, dir, n); } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
} else if (mode === 'bundle') {
  await bundleReport();
} else {
  console.error('usage: node scripts/size-report.mjs wasm [<wasm build dir: build/wasm-simd>] [--funcs N] | bundle');
  process.exit(2);
}
