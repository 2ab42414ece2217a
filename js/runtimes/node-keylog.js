/**
 * SSLKEYLOGFILE for Node (and the CLI): when the environment variable names a file, every
 * connection's NSS key log lines are appended to it, as curl, Firefox and Chrome do. The file is
 * created with mode 0600 if missing. It holds the connections' secrets: anyone who reads it can
 * decrypt the captured traffic. Unset (the default): nothing is written.
 */

/** @returns {((line: string) => void) | null} a sink appending to $SSLKEYLOGFILE, or null when unset */
export function sslKeylogFile() {
  const file = process.env.SSLKEYLOGFILE;
  if (!file) return null;
  const fs = process.getBuiltinModule('node:fs'); // not an ESM import of node:fs: see runtimes/node.js
  return (line) => {
    try {
      fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch { /* an unwritable key log file does not fail the connection (as in curl) */ }
  };
}
