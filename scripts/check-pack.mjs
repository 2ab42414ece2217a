// `npm pack` / `npm publish` guard (prepack): the tarball must carry the prebuilt
// wasm, so users never need Emscripten.
import fs from 'node:fs';

const wasm = new URL('../js/dist/wasmtls.wasm', import.meta.url);
let size = 0;
try { size = fs.statSync(wasm).size; } catch { /* missing */ }
if (size < 1024) {
  console.error('prepack: js/dist/wasmtls.wasm is missing: run `npm run build` first');
  process.exit(1);
}
const bytes = fs.readFileSync(wasm);
if (bytes.readUInt32BE(0) !== 0x0061736d) {
  console.error('prepack: js/dist/wasmtls.wasm is not a wasm module');
  process.exit(1);
}
