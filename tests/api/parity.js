// Two clients on one page, written the same way: laravel-echo over pusher-js (as the stats
// API's documentation prescribes) and courtside's Echo-shaped API. Each logs every callback it
// gets; tests/api_check.py publishes events and compares the two logs.
import { connect } from './api.js';

const q = new URLSearchParams(location.search);
const cfg = { gateway: q.get('gateway'), port: Number(q.get('port')), key: q.get('key'), match: Number(q.get('match')) };
const logs = { reference: [], courtside: [] };
const clients = {};
window.parity = { logs, clients, error: null };

// Both clients get identical code from here on: the point of the API.
function follow(name, echo) {
  const log = logs[name];
  const record = (what) => (data) => log.push([what, data === undefined ? null : data]);
  const conn = echo.connector.pusher.connection;
  conn.bind('state_change', (s) => log.push(['state_change', `${s.previous}>${s.current}`]));
  for (const state of ['connecting', 'connected', 'unavailable', 'disconnected']) conn.bind(state, () => log.push([state, null]));
  echo.private(`match.${cfg.match}`)
    .subscribed(record('match subscribed'))
    .listen('.event.received', record('match event'))
    .listen('.status.changed', record('match status'));
  echo.private('games')
    .subscribed(record('games subscribed'))
    .listen('.event.received', record('games event'))
    .listen('.status.changed', record('games status'))
    .listenToAll((event, data) => log.push([`games all ${event}`, data]));
  // The gateway refuses this channel (403): both report it once, and neither retries.
  echo.private(`match.403${cfg.match}`)
    .subscribed(record('denied subscribed'))
    .error((e) => log.push(['denied error', { type: e.type, status: e.status }]));
  clients[name] = echo;
}

async function reference() {
  const token = (await (await fetch(`${cfg.gateway}/token`, { method: 'POST' })).json()).token;
  window.Pusher = Pusher;
  return new Echo.default({
    broadcaster: 'reverb', key: cfg.key, wsHost: '127.0.0.1', wsPort: cfg.port, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true, authEndpoint: `${cfg.gateway}/auth`,
    auth: { headers: { Authorization: `Bearer ${token}` } },
  });
}

// Steps the test calls, done to both clients alike.
window.parity.stopMatchEvents = () => {
  for (const echo of Object.values(clients)) echo.private(`match.${cfg.match}`).stopListening('.event.received');
};
window.parity.leaveMatch = () => {
  for (const echo of Object.values(clients)) echo.leave(`match.${cfg.match}`);
};
window.parity.disconnect = () => {
  for (const echo of Object.values(clients)) echo.disconnect();
};

try {
  follow('reference', await reference());
  follow('courtside', await connect({ gateway: cfg.gateway, host: '127.0.0.1', port: cfg.port, tls: false, key: cfg.key }));
} catch (e) {
  window.parity.error = String(e && e.stack || e);
}
