// --js-library for the standalone wasm build: declares the host imports. The real
// implementations are supplied by the JS package when it instantiates the module
// (js/core/wasm.js):
//   env.wt_js_random(ptr, len): crypto.getRandomValues
//   env.wt_js_sig_verify(scheme, key_type, key_ptr, key_len, aux, msg_ptr, msg_len, sig_ptr, sig_len):
//     the native signature verifier (1 valid, 0 invalid, else BearSSL verifies); layout in wasm/wt_wasm.c
//   env.wt_js_aead_init/seal/open/free: record protection on the host's AEAD
//     (js/core/native-cipher.js; "cannot" = the wasm AEAD); see wasm/wt_wasm.c
mergeInto(LibraryManager.library, {
  wt_js_random: function (ptr, len) {},
  wt_js_sig_verify: function (scheme, key_type, key_ptr, key_len, aux, msg_ptr, msg_len, sig_ptr, sig_len) {},
  wt_js_aead_init: function (alg, key_ptr, key_len) {},
  wt_js_aead_seal: function (h, nonce_ptr, aad_ptr, aad_len, data_ptr, len, tag_ptr) {},
  wt_js_aead_open: function (h, nonce_ptr, aad_ptr, aad_len, data_ptr, len, tag_ptr) {},
  wt_js_aead_free: function (h) {},
});
