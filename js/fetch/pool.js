/**
 * Connections per origin key: at most `maxPerOrigin` open (busy + idle), idle ones reused
 * most-recent first and closed after `idleTimeoutMs`; requests beyond the bound wait in order.
 */
import { HttpError } from './errors.js';

export class Pool {
  constructor({ maxPerOrigin, idleTimeoutMs }) {
    if (!Number.isInteger(maxPerOrigin) || maxPerOrigin < 1) {
      throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'maxConnectionsPerOrigin must be a positive integer');
    }
    if (typeof idleTimeoutMs !== 'number' || !(idleTimeoutMs >= 0)) {
      throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'idleTimeoutMs must be a number >= 0');
    }
    this.maxPerOrigin = maxPerOrigin;
    this.idleTimeoutMs = idleTimeoutMs;
    /** @type {Map<string, { idle: any[], count: number, waiters: Array<() => void> }>} */
    this.groups = new Map();
    this.closed = false;
  }

  group(key) {
    let g = this.groups.get(key);
    if (!g) { g = { idle: [], count: 0, waiters: [] }; this.groups.set(key, g); }
    return g;
  }

  /** How many connections are open for `key` (busy and idle), and how many idle. */
  stats(key) {
    const g = this.groups.get(key);
    return { open: g?.count ?? 0, idle: g?.idle.length ?? 0 };
  }

  /**
   * An idle connection for `key`, or a new one from `open()`, or wait for one.
   * @param {string} key
   * @param {() => Promise<any>} open
   * @param {AbortSignal} [signal]
   */
  async acquire(key, open, signal) {
    const g = this.group(key);
    for (;;) {
      if (this.closed) throw new HttpError('CLOSED', 'CLIENT_CLOSED', 'this fetch client was closed');
      while (g.idle.length) {
        const conn = g.idle.pop();
        clearTimeout(conn.idleTimer);
        if (!conn.dead) return conn;
      }
      if (g.count < this.maxPerOrigin) {
        g.count++;
        let conn;
        try {
          conn = await open();
        } catch (err) {
          g.count--;
          this.wake(g);
          throw err;
        }
        conn.onDead = () => this.forget(key, conn);
        if (this.closed) { conn.close(); throw new HttpError('CLOSED', 'CLIENT_CLOSED', 'this fetch client was closed'); }
        return conn;
      }
      await new Promise((resolve, reject) => {
        const waiter = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        const onAbort = () => {
          const i = g.waiters.indexOf(waiter);
          if (i >= 0) g.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        g.waiters.push(waiter);
      });
    }
  }

  /** Count a connection opened outside acquire() (the protocol probe of an origin) as busy. */
  adopt(key, conn) {
    const g = this.group(key);
    g.count++;
    conn.onDead = () => this.forget(key, conn);
  }

  /** A connection finished a response and may be reused. */
  release(key, conn) {
    if (conn.dead) return;
    if (this.closed) { conn.close(); return; }
    const g = this.group(key);
    conn.watchIdle();
    if (conn.dead) return;
    g.idle.push(conn);
    conn.idleTimer = setTimeout(() => conn.close(), this.idleTimeoutMs);
    conn.idleTimer?.unref?.();
    this.wake(g);
  }

  /** A connection is gone (closed, failed or timed out). */
  forget(key, conn) {
    const g = this.groups.get(key);
    if (!g) return;
    clearTimeout(conn.idleTimer);
    const i = g.idle.indexOf(conn);
    if (i >= 0) g.idle.splice(i, 1);
    g.count--;
    if (g.count === 0 && g.waiters.length === 0) this.groups.delete(key);
    this.wake(g);
  }

  wake(g) {
    g.waiters.shift()?.();
  }

  /** Close idle connections now; busy ones close when their response ends. */
  async close() {
    this.closed = true;
    const closing = [];
    for (const g of this.groups.values()) {
      for (const conn of g.idle.splice(0)) { clearTimeout(conn.idleTimer); closing.push(conn.close()); }
      for (const w of g.waiters.splice(0)) w();
    }
    await Promise.all(closing);
  }
}
