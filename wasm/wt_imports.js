// --js-library for the standalone wasm build: declares the one host import,
// env.wt_js_random(ptr, len). The real implementation (crypto.getRandomValues)
// is supplied by the JS package when it instantiates the module.
mergeInto(LibraryManager.library, {
  wt_js_random: function (ptr, len) {},
});
