/** `wasmtls/roots`: the Mozilla root store (Debian ca-certificates), as DER certificates for `ca`. */
declare const roots: readonly Uint8Array[];
export default roots;
/** The ca-certificates package version the roots come from (its date, e.g. "20230311+deb12u1"). */
export const ROOTS_VERSION: string;
export const ROOTS_COUNT: number;
