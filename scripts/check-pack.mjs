// `npm pack` / `npm publish` guard (prepack): the tarball must carry both prebuilt
// wasm builds (plain and SIMD), so users never need Emscripten.
import fs from 'node:fs';

for (const name of ['wasmtls.wasm', 'wasmtls-simd.wasm']) {
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
