#!/usr/bin/env node
// check-layers.mjs — no call circle between the files of src/ (issue 17).
//
//   node scripts/check-layers.mjs [--nm NM] [--src DIR] [--max-lines N] [--skip-missing] OBJDIR...
//
// Reads the object files of src/ (OBJDIR holds wt_*.c.o, as CMake puts them
// under CMakeFiles/wasmtls.dir/src) with `nm -P`: each file's defined and
// undefined symbols. File A calls file B when A has an undefined symbol that B
// defines. Fails (exit 1) on any cycle between two or more files, printing the
// files and the symbols that make each edge; a file may call itself. Prints
// the layers (each file above everything it calls) when there is none.
// --src DIR: only objects of the .c files now in DIR (a build directory may
// keep objects of removed files); with --max-lines N, also fail when a file
// of DIR (.c or .h) has more than N lines.
// --skip-missing: exit 77 (ctest's skip) when no object file is found.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
let nm = 'nm';
let skipMissing = false;
let srcDir = null;
let maxLines = 0;
const dirs = [];
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--nm') nm = args[++i];
	else if (args[i] === '--src') srcDir = args[++i];
	else if (args[i] === '--max-lines') maxLines = Number(args[++i]);
	else if (args[i] === '--skip-missing') skipMissing = true;
	else dirs.push(args[i]);
}

let tooLong = 0;
const sources = srcDir ? new Set(fs.readdirSync(srcDir)) : null;
if (srcDir && maxLines > 0) {
	for (const f of [...sources].sort()) {
		if (!/\.[ch]$/.test(f)) continue;
		const n = fs.readFileSync(path.join(srcDir, f), 'utf8').split('\n').length - 1;
		if (n > maxLines) { console.error(`check-layers: ${srcDir}/${f} has ${n} lines (over ${maxLines})`); tooLong++; }
	}
}
const objects = [];
for (const d of dirs) {
	if (!fs.existsSync(d)) continue;
	for (const f of fs.readdirSync(d)) {
		if (!/^wt_.*\.c\.o(bj)?$/.test(f)) continue;
		if (sources && !sources.has(f.replace(/\.o(bj)?$/, ''))) continue;   // stale: its source is gone
		objects.push(path.join(d, f));
	}
}
if (objects.length === 0) {
	console.error(`check-layers: no src/ object files in ${dirs.join(', ') || '(none given)'}`);
	process.exit(skipMissing ? 77 : 2);
}

const fileOf = (o) => path.basename(o).replace(/\.o(bj)?$/, '');
const defined = new Map();    // symbol -> file
const undef = new Map();      // file -> Set(symbol)
for (const o of objects) {
	const file = fileOf(o);
	const out = execFileSync(nm, ['-P', o], { encoding: 'utf8', maxBuffer: 64 << 20 });
	const u = new Set();
	for (const line of out.split('\n')) {
		const [rawName, type] = line.trim().split(/\s+/);
		if (!rawName || !type) continue;
		const name = rawName.replace(/^_(?=wt_)/, '');   // Mach-O style leading underscore
		if (type === 'U' || type === 'w' || type === 'v') u.add(name);
		else if (/^[A-TV-Z]$/.test(type)) {
			if (defined.has(name) && defined.get(name) !== file)
				console.error(`check-layers: ${name} defined in both ${defined.get(name)} and ${file}`);
			defined.set(name, file);
		}
	}
	undef.set(file, u);
}

// edges: file -> Map(callee file -> [symbols])
const edges = new Map();
for (const [file, syms] of undef) {
	const m = new Map();
	for (const s of syms) {
		const to = defined.get(s);
		if (!to || to === file) continue;
		if (!m.has(to)) m.set(to, []);
		m.get(to).push(s);
	}
	edges.set(file, m);
}

// Tarjan's strongly connected components
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
function visit(v) {
	idx.set(v, index); low.set(v, index); index++;
	stack.push(v); onStack.add(v);
	for (const w of edges.get(v).keys()) {
		if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
		else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
	}
	if (low.get(v) === idx.get(v)) {
		const c = [];
		let w;
		do { w = stack.pop(); onStack.delete(w); c.push(w); } while (w !== v);
		sccs.push(c);
	}
}
const files = [...edges.keys()].sort();
for (const f of files) if (!idx.has(f)) visit(f);

const cycles = sccs.filter((c) => c.length > 1);
if (cycles.length) {
	console.error(`check-layers: ${cycles.length} call cycle(s) between files of src/ (${objects.length} objects, ${nm}):`);
	for (const c of cycles) {
		const set = new Set(c);
		console.error(`  cycle: ${c.sort().join(' <-> ')}`);
		for (const a of c) for (const [b, syms] of edges.get(a))
			if (set.has(b)) console.error(`    ${a} -> ${b}: ${syms.sort().join(', ')}`);
	}
	process.exit(1);
}

// layers: 0 = calls nothing else in src/; each file one above the highest it calls
const level = new Map();
function lvl(f) {
	if (level.has(f)) return level.get(f);
	let l = 0;
	for (const to of edges.get(f).keys()) l = Math.max(l, lvl(to) + 1);
	level.set(f, l);
	return l;
}
const byLevel = [];
for (const f of files) (byLevel[lvl(f)] ??= []).push(f.replace(/\.c$/, ''));
console.log(`check-layers: no call cycle between the ${files.length} files of src/ (${nm})`);
for (let l = byLevel.length - 1; l >= 0; l--) console.log(`  layer ${l}: ${(byLevel[l] || []).join(' ')}`);
if (tooLong) process.exit(1);
