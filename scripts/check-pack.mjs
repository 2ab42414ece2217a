// `npm pack` / `npm publish` guard (prepack): the tarball must carry the prebuilt
// wasm builds (plain and SIMD, and the HTTP/2 one of wasmtls/fetch), so users never need Emscripten.
import fs from 'node:fs';

for (const name of ['wasmtls.wasm', 'wasmtls-simd.wasm', 'wasmtls-h2.wasm']) {
  const wasm = new URL(`../js/dist/${name}`, import.meta.url);
  let size = 0;
  try { size = fs.statSync(wasm).size; } catch { /* missing */ }
  if (size < 1024) {
    console.error(`prepack: js/dist/${name} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  const bytes = fs.readFileSync(wasm);
  if (bytes.readUInt32BE(0) !== 0x0061736d) {
    console.error(`prepack: js/dist/${name} is not a wasm module`);
    process.exit(1);
  }
}

// The bundled browser build of `wasmtls/browser.min.js` (scripts/bundle-browser.mjs, run by the build).
if (!fs.existsSync(new URL('../js/dist/wasmtls.browser.min.js', import.meta.url))) {
  console.error('prepack: js/dist/wasmtls.browser.min.js is missing: run `npm run build` first');
  process.exit(1);
}

// The Node build the package's `node` conditions point at (scripts/bundle-node.mjs, run by the build).
for (const name of ['index.js', 'fetch.js', 'node-duplex.js']) {
  if (!fs.existsSync(new URL(`../js/dist/node/${name}`, import.meta.url))) {
    console.error(`prepack: js/dist/node/${name} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}

// The README is the package's front page: a relative link must name a file the package ships
// (docs/, examples/ and src/ are linked absolutely, to the repository).
const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/```[\s\S]*?```/g, '');
const shippedTop = pkg.files.filter((f) => !f.startsWith('!') && !f.endsWith('/'));
for (const [, target] of readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
  if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
  const file = target.replace(/^\.\//, '').replace(/#.*$/, '');
  const shipped = shippedTop.includes(file) || pkg.files.some((f) => f.endsWith('/') && file.startsWith(f));
  if (!shipped || !fs.existsSync(new URL(`../${file}`, import.meta.url))) {
    console.error(`prepack: README.md links to ${target}, which the package does not ship: link it absolutely (${pkg.homepage})`);
    process.exit(1);
  }
}
