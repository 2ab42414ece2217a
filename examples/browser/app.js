// The wasmtls handshake demo: connect through a WebSocket proxy, draw each
// handshake message as it happens, show what was negotiated and the
// certificate chain, then let the user send text and read the reply.
//
// Defaults come from /demo/config.json when the demo server (`npm run demo`)
// provides it (it also carries the demo's private CA), then from the query
// string (?host=&port=&servername=&proxy=&kind=websocket|wisp).
//
// config.json may list troubleshooting scenarios ({ id, name, host, port,
// serverName, shows, expect, timeoutMs? }): local servers that make the
// handshake fail for one reason each. The picker offers them next to the
// working server (the default; ?scenario=ID preselects one); they are reached
// through the Wisp server, and the page shows the timeline up to the failing
// step, the error's code, message and hint, and whether the code is the one
// the scenario expects.
import { connect, webSocket, wisp } from '../../js/index.browser.js';

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const BUILTIN_DEFAULTS = { host: 'localhost', port: 8443, serverName: '', proxy: 'ws://127.0.0.1:8080/', kind: 'websocket', ca: '', message: 'GET / HTTP/1.0\n\n' };

/** One Wisp factory per URL, so connections share its WebSocket. */
const wispFactories = new Map();
let current = null; // { socket, reader }
let defaults = null;
let scenarios = [];
const DEFAULT_TIMEOUT_MS = 10000;

async function loadDefaults() {
  const d = { ...BUILTIN_DEFAULTS };
  try {
    const res = await fetch(new URL('/demo/config.json', location.href), { cache: 'no-store' });
    if (res.ok) Object.assign(d, await res.json());
  } catch { /* plain static origin: built-in defaults */ }
  const q = new URLSearchParams(location.search);
  for (const [key, param] of [['host', 'host'], ['port', 'port'], ['serverName', 'servername'], ['proxy', 'proxy'], ['kind', 'kind']]) {
    if (q.has(param)) d[key] = q.get(param);
  }
  if (d.kind === 'wisp' && d.wispProxy && !q.has('proxy')) d.proxy = d.wispProxy;
  defaults = d;
  applyServer(d);
  $('ca').value = d.ca;
  $('message').value = d.message;
  $('proxy-kind').addEventListener('change', () => {
    const kind = $('proxy-kind').value;
    const other = kind === 'wisp' ? d.wispProxy : (d.kind === 'websocket' ? d.proxy : BUILTIN_DEFAULTS.proxy);
    if (other) $('proxy').value = other;
    showProxyNote();
  });
  showProxyNote();
  // Scenarios need the Wisp server: websockify has one fixed target.
  scenarios = Array.isArray(d.scenarios) && d.wispProxy ? d.scenarios : [];
  if (scenarios.length) {
    const picker = $('scenario');
    picker.append(...scenarios.map((sc) => {
      const opt = document.createElement('option');
      opt.value = sc.id;
      opt.textContent = `${sc.name} (port ${sc.port})`;
      return opt;
    }));
    $('scenario-row').hidden = false;
    picker.addEventListener('change', () => pickScenario(picker.value));
    if (q.has('scenario') && scenarios.some((sc) => sc.id === q.get('scenario'))) {
      picker.value = q.get('scenario');
      pickScenario(picker.value);
    } else {
      showScenarioAbout(null);
    }
  }
  document.body.dataset.ready = 'true';
}

function applyServer(s) {
  $('host').value = s.host;
  $('port').value = s.port;
  $('servername').value = s.serverName ?? '';
  $('proxy').value = s.proxy;
  $('proxy-kind').value = s.kind;
}

function selectedScenario() {
  const id = $('scenario').value;
  return scenarios.find((sc) => sc.id === id) ?? null;
}

/** Fill the form for a scenario (through the Wisp server), or back to the working server ('' ). */
function pickScenario(id) {
  const sc = scenarios.find((x) => x.id === id) ?? null;
  if (sc) applyServer({ host: sc.host, port: sc.port, serverName: sc.serverName, proxy: defaults.wispProxy, kind: 'wisp' });
  else applyServer(defaults);
  showProxyNote();
  showScenarioAbout(sc);
  clearResult();
  $('timeline-card').hidden = true;
  setStatus('', 'idle');
}

function showScenarioAbout(sc) {
  const about = $('scenario-about');
  about.hidden = false;
  if (!sc) {
    about.textContent = `The working server, or pick one of ${scenarios.length} local servers that each make the handshake fail for one reason, to see where it stops and what the error says.`;
    return;
  }
  const code = document.createElement('code');
  code.textContent = sc.expect;
  about.replaceChildren(`${sc.shows.charAt(0).toUpperCase()}${sc.shows.slice(1)}${sc.timeoutMs ? ` (timeoutMs: ${sc.timeoutMs})` : ''}. Expected error: `, code);
}

function showProxyNote() {
  $('proxy-note').textContent = $('proxy-kind').value === 'wisp'
    ? 'The Wisp server opens a TCP connection to host:port (if its allow-list permits) and multiplexes all connections over one WebSocket.'
    : 'websockify connects to its own fixed target; host and port here name the server for TLS.';
}

function transportFor(kind, url) {
  if (kind === 'wisp') {
    if (!wispFactories.has(url)) wispFactories.set(url, wisp(url));
    return wispFactories.get(url);
  }
  return webSocket(url);
}

/* ---------------------------------------------------------------- drawing */

const ARROWS = { out: '→', in: '←' };

function drawTimeline(steps, totalMs, failure = null) {
  const body = $('timeline').querySelector('tbody');
  // Bars run from the ClientHello to the last step (or now, while connecting).
  const first = steps[0]?.ms ?? 0;
  const span = Math.max(totalMs, failure?.ms ?? 0, ...steps.map((s) => s.ms)) - first || 1;
  const rows = steps.map((s) => {
    const tr = document.createElement('tr');
    tr.className = `${s.bytes ? s.dir : 'local'}${s.name === 'Alert' ? ' alert' : ''}`;
    tr.dataset.name = s.name;
    const dir = s.bytes ? (s.dir === 'out' ? 'client → server' : 'server → client') : 'local';
    tr.innerHTML = `<td class="dir" title="${dir}">${s.bytes ? ARROWS[s.dir] ?? s.dir : '•'}</td>` +
      '<td class="name"></td>' +
      `<td class="num">${s.bytes ? s.bytes : ''}</td>` +
      `<td class="num">${s.ms.toFixed(1)}</td>` +
      `<td class="bar-cell"><div class="bar"><span style="left:calc(${(100 * (s.ms - first) / span).toFixed(1)}% - .25rem)"></span></div></td>`;
    const name = tr.querySelector('.name');
    name.textContent = s.name;
    if (s.detail) {
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = s.detail;
      name.append(detail);
    }
    return tr;
  });
  if (failure) { // the point where the handshake stopped, with the error code
    const tr = document.createElement('tr');
    tr.className = 'failed';
    tr.dataset.name = 'Failed';
    tr.innerHTML = '<td class="dir" title="the handshake failed">✗</td><td class="name"></td><td class="num"></td>' +
      `<td class="num">${failure.ms.toFixed(1)}</td>` +
      `<td class="bar-cell"><div class="bar"><span style="left:calc(${(100 * (failure.ms - first) / span).toFixed(1)}% - .25rem)"></span></div></td>`;
    tr.querySelector('.name').textContent = `failed: ${failure.code}`;
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

function addRow(dl, key, value) {
  const dt = document.createElement('dt');
  dt.textContent = key;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dd.dataset.key = key;
  dl.append(dt, dd);
}

function isoDay(d) {
  return Number.isNaN(d?.getTime?.()) ? '?' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function drawParams(info) {
  const dl = $('params');
  dl.replaceChildren();
  addRow(dl, 'version', info.version);
  addRow(dl, 'cipher suite', info.cipher);
  addRow(dl, 'key exchange group', info.group);
  addRow(dl, 'ALPN', info.alpn ?? '(none)');
  addRow(dl, 'server name', info.serverName);
  addRow(dl, 'handshake', `${info.timings.handshakeMs.toFixed(1)} ms`);
  const chain = $('chain');
  chain.replaceChildren(...info.peerCertificates.map((c) => {
    const li = document.createElement('li');
    const cdl = document.createElement('dl');
    addRow(cdl, 'subject', c.subject);
    addRow(cdl, 'issuer', c.issuer);
    addRow(cdl, 'valid', `${isoDay(c.validFrom)} → ${isoDay(c.validTo)}`);
    if (c.subjectAltNames?.length) addRow(cdl, 'SANs', c.subjectAltNames.map((n) => `${n.type ?? ''}${n.type ? ':' : ''}${n.value ?? n}`).join(', '));
    if (c.publicKey) addRow(cdl, 'key', [c.publicKey.type ?? c.publicKey.algorithm, c.publicKey.curve ?? (c.publicKey.bits ? `${c.publicKey.bits} bits` : '')].filter(Boolean).join(' '));
    addRow(cdl, 'SHA-256', c.fingerprint256);
    li.append(cdl);
    return li;
  }));
}

function showError(err, expected = null) {
  $('error').hidden = false;
  $('error-code').textContent = err?.code ?? 'ERROR';
  $('error-message').textContent = err?.message ?? String(err);
  $('error-hint').textContent = err?.hint ? `Hint: ${err.hint}` : '';
  $('error-hint').hidden = !err?.hint;
  showExpected(err?.code ?? 'ERROR', expected);
}

/** For a scenario: does the outcome match the code it is meant to show? */
function showExpected(got, expected) {
  const p = $('error-expect');
  p.hidden = !expected;
  if (!expected) return;
  const match = got === expected;
  p.className = `expect ${match ? 'match' : 'mismatch'}`;
  const code = document.createElement('code');
  code.textContent = expected;
  p.replaceChildren(match ? 'This is the error this scenario shows: ' : 'This scenario should fail with ', code,
    match ? '.' : ` (got ${got}).`);
}

function clearResult() {
  if (current) { current.socket.close().catch(() => {}); current = null; }
  $('error').hidden = true;
  $('error-expect').hidden = true;
  $('params-card').hidden = true;
  $('talk-card').hidden = true;
  $('reply').textContent = '';
}

function setStatus(text, state) {
  $('status').textContent = text;
  document.body.dataset.state = state;
}

/* ---------------------------------------------------------------- actions */

async function onConnect(ev) {
  ev.preventDefault();
  clearResult();
  const scenario = selectedScenario();
  $('timeline-card').hidden = false;
  drawTimeline([], 1);
  $('connect').disabled = true;
  setStatus('connecting…', 'connecting');

  const host = $('host').value.trim();
  const port = Number($('port').value);
  const ca = $('ca').value.trim();
  const started = performance.now();
  let socket;
  try {
    socket = connect({ hostname: host, port }, {
      serverName: $('servername').value.trim() || undefined,
      ca: ca || undefined,
      alpn: ['http/1.1'],
      timeoutMs: scenario?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      transport: transportFor($('proxy-kind').value, $('proxy').value.trim()),
    });
  } catch (err) { // e.g. a malformed proxy URL
    showError(err, scenario?.expect);
    setStatus('failed', 'failed');
    $('connect').disabled = false;
    return;
  }
  // Draw rows as they happen.
  let live = true;
  const tick = () => {
    if (!live) return;
    drawTimeline(socket.steps, performance.now() - started);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    const info = await socket.opened;
    live = false;
    drawTimeline(info.timings.steps, 0);
    drawParams(info);
    $('params-card').hidden = false;
    $('talk-card').hidden = false;
    current = { socket, reader: null };
    readReplies(socket);
    setStatus(`connected in ${info.timings.handshakeMs.toFixed(0)} ms`, 'open');
    if (scenario) { // a scenario server that let the handshake through: say so
      $('error').hidden = false;
      $('error-code').textContent = '';
      $('error-message').textContent = 'The handshake succeeded.';
      $('error-hint').hidden = true;
      showExpected('no error', scenario.expect);
    }
  } catch (err) {
    live = false;
    const failedMs = performance.now() - started;
    drawTimeline(socket.steps, failedMs, { ms: failedMs, code: err?.code ?? 'ERROR' });
    showError(err, scenario?.expect);
    setStatus(`failed: ${err?.code ?? 'error'}`, 'failed');
  } finally {
    $('connect').disabled = false;
  }
}

async function readReplies(socket) {
  const out = $('reply');
  try {
    for await (const chunk of socket.readable) out.textContent += decoder.decode(chunk, { stream: true });
    // The server finished sending; TLS 1.3 allows a half-close, so answer with our
    // close_notify and close the proxy connection (servers such as s_server wait for it).
    await socket.close();
    setStatus('the server closed the connection', 'closed');
  } catch (err) {
    showError(err);
    setStatus('failed', 'failed');
  }
  $('send').disabled = true;
}

async function onSend(ev) {
  ev.preventDefault();
  if (!current) return;
  const text = $('message').value.replace(/\r?\n/g, '\r\n');
  const writer = current.socket.writable.getWriter();
  try {
    await writer.write(encoder.encode(text));
    setStatus(`sent ${text.length} bytes`, 'sent');
  } catch (err) {
    showError(err);
  } finally {
    writer.releaseLock();
  }
}

$('connect-form').addEventListener('submit', onConnect);
$('send-form').addEventListener('submit', onSend);
loadDefaults();
