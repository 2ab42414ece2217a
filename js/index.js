// Types only: js/index.d.ts holds the declarations every runtime entry shares; the
// per-entry .d.ts files import them as "./index.js", which TypeScript maps to index.d.ts
// and Deno resolves to this file and its self-declared types. Nothing imports it at run time.
// @ts-self-types="./index.d.ts"
export {};
