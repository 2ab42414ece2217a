// The Node build: the three Node entries (js/index.node.js, js/fetch/index.node.js,
// js/node-duplex.js) and their import graphs bundled into js/dist/node/, one file per entry plus
// the chunks they share — so that `import 'wasmtls'` in Node loads 2 modules instead of 22
// (~0.25 ms each: cold start 16.6 -> ~11.5 ms, docs/PERFORMANCE.md) — and the package's `node`
// conditions point there (package.json). The three share one copy of the core (esbuild
// splitting), so `wasmtls`, `wasmtls/fetch` and `wasmtls/node` still see one wasm instance and
// one WasmTlsError class. Not minified (stack traces stay readable). Everything the sources find
// under js/dist/ with `new URL('…/dist/X', import.meta.url)` is found from js/dist/node/ as
// `new URL('../X', import.meta.url)` (still a literal that bundlers follow); the root store stays
// out (js/roots.js, imported only when no `ca` is given). Run by scripts/build.sh.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JS = path.join(ROOT, 'js');
const DIST = path.join(JS, 'dist');
const OUT = path.join(DIST, 'node');
const NODE_ENTRIES = { index: 'js/index.node.js', fetch: 'js/fetch/index.node.js', 'node-duplex': 'js/node-duplex.js' };

const relocate = {
  name: 'wasmtls-node-dist',
  setup(build) {
    build.onLoad({ filter: /[\\/]js[\\/].*\.js$/ }, async (args) => {
      const src = await fs.promises.readFile(args.path, 'utf8');
      const literal = /new URL\('((?:\.\.?\/)+)dist\/([\w.-]+)', import\.meta\.url\)/g;
      const out = src.replace(literal, (whole, rel, file) => {
        if (path.resolve(path.dirname(args.path), rel, 'dist', file) !== path.join(DIST, file)) {
          throw new Error(`${args.path}: ${whole} does not point into js/dist/`);
        }
        return `new URL('../${file}', import.meta.url)`;
      });
      return { contents: out, loader: 'js' };
    });
    // the root store: not bundled; js/roots.js from js/dist/node/
    build.onResolve({ filter: /(^|\/)roots\.js$/ }, (args) => {
      if (path.resolve(args.resolveDir, args.path) !== path.join(JS, 'roots.js')) return undefined;
      return { path: '../../roots.js', external: true };
    });
  },
};

fs.rmSync(OUT, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(NODE_ENTRIES).map(([k, v]) => [k, path.join(ROOT, v)])),
  outdir: OUT, bundle: true, splitting: true, format: 'esm', platform: 'node', target: ['node20'],
  chunkNames: 'core-[hash]', legalComments: 'none', metafile: true, logLevel: 'warning', plugins: [relocate],
});
const inputs = Object.keys(result.metafile.inputs);
const bad = inputs.filter((f) => /roots(-data)?\.js$/.test(f));
if (bad.length) throw new Error(`the Node bundle must not contain ${bad.join(', ')}`);
const files = Object.keys(result.metafile.outputs);
console.log(`build: js/dist/node/ (${files.length} files, ${inputs.length} modules: ${files.map((f) => path.basename(f)).join(', ')})`);
