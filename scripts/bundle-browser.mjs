// The bundled, minified browser build: js/index.browser.js and its whole import graph in one
// ES module, js/dist/wasmtls.browser.min.js (the package subpath `wasmtls/browser.min.js`).
// It sits next to the wasm builds, so the entry's `new URL('./dist/wasmtls(-simd).wasm',
// import.meta.url)` becomes `new URL('./wasmtls(-simd).wasm', import.meta.url)` here (still a
// literal that bundlers follow and copy). The root store stays out of it: connection.js's
// dynamic `import('../roots.js')` (made only when no `ca` is given) is left as it is, which from
// js/dist/ is still js/roots.js. Run by scripts/build.sh; esbuild is a devDependency.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'js', 'index.browser.js');
const OUT = path.join(ROOT, 'js', 'dist', 'wasmtls.browser.min.js');

const relocate = {
  name: 'wasmtls-dist-relative',
  setup(build) {
    build.onLoad({ filter: /[\\/]js[\\/]index\.browser\.js$/ }, async (args) => {
      const src = await fs.promises.readFile(args.path, 'utf8');
      const literal = /new URL\('\.\/dist\/(wasmtls(?:-simd)?\.wasm)', import\.meta\.url\)/g;
      const found = src.match(literal) ?? [];
      if (found.length !== 2) throw new Error(`${args.path}: expected the two wasm URL literals, found ${found.length}`);
      return { contents: src.replace(literal, "new URL('./$1', import.meta.url)"), loader: 'js' };
    });
    // the root store: not bundled, the same module from js/dist/
    build.onResolve({ filter: /^\.\.\/roots\.js$/ }, (args) => {
      if (path.resolve(args.resolveDir, args.path) !== path.join(ROOT, 'js', 'roots.js')) return undefined;
      return { path: '../roots.js', external: true };
    });
  },
};

/** The esbuild options of the bundle (also used by scripts/size-report.mjs). */
export const options = () => ({
  entryPoints: [ENTRY], outfile: OUT, bundle: true, minify: true, format: 'esm', platform: 'browser',
  target: ['es2022'], legalComments: 'none', metafile: true, logLevel: 'warning', plugins: [relocate],
});

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await esbuild.build(options());
  const inputs = Object.keys(result.metafile.inputs);
  const bad = inputs.filter((f) => /roots(-data)?\.js$|node:|runtimes\/node/.test(f));
  if (bad.length) throw new Error(`the browser bundle must not contain ${bad.join(', ')}`);
  console.log(`build: ${path.relative(ROOT, OUT)} (${fs.statSync(OUT).size} bytes, ${inputs.length} modules)`);
}
