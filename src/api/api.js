// courtside's JavaScript API: live scores without the widget's UI, shaped like Laravel Echo.
//
//   import { connect } from 'https://cdn.example/courtside/1.0.0/api.js';
//   const echo = await connect({ gateway: 'https://gw.news.example' });
//   echo.private('match.123').listen('.event.received', (data) => …);
//   echo.match(123).subscribe((state) => …);   // reduced, backfilled, deduplicated
//
// One socket per page, shared with every courtside widget on it. Types: courtside.d.ts.
import init, * as wasm from './courtside.js';

const BOOT = Symbol.for('courtside.boot'); // the loader of the widgets shares this one start
const boot = () =>
  (globalThis[BOOT] ||= init({ module_or_path: new URL('courtside_bg.wasm', import.meta.url) }));

export { setAuthorizer, courtsideStats } from './courtside.js';

// Echo's event names: `.name` as sent, otherwise under the namespace (`App\Events\Name`).
const format = (event, namespace) =>
  /^[.\\]/.test(event) ? event.slice(1) : (namespace ? namespace + '.' + event : event).replace(/\./g, '\\');

// Payloads as pusher-js hands them over: JSON when they parse, else the text.
const parse = (data) => {
  try {
    return JSON.parse(data);
  } catch (e) {
    return data;
  }
};

// The engine's connection states, by index, in pusher-js' names.
const STATES = ['initialized', 'connecting', 'connected', 'unavailable', 'disconnected', 'failed'];

class Emitter {
  constructor() {
    this.handlers = new Map();
  }
  bind(event, callback) {
    const list = this.handlers.get(event) || [];
    this.handlers.set(event, [...list, callback]);
    return this;
  }
  unbind(event, callback) {
    if (event === undefined) this.handlers.clear();
    else if (!callback) this.handlers.delete(event);
    else this.handlers.set(event, (this.handlers.get(event) || []).filter((f) => f !== callback));
    return this;
  }
  emit(event, ...args) {
    for (const f of this.handlers.get(event) || []) {
      try {
        f(...args);
      } catch (e) {
        console.error('courtside: a callback threw', e);
      }
    }
  }
}

class Channel {
  constructor(name, namespace) {
    this.name = name;
    this.namespace = namespace;
    this.events = new Emitter();
    this.all = [];
    this.handle = wasm.courtsideListen(name, (kind, event, data) => {
      if (kind === 0) {
        const payload = parse(data);
        // listenToAll first, as pusher-js does, with Echo's names: the namespace's events
        // without it, every other one with a leading dot.
        if (!event.startsWith('pusher:')) {
          const ns = (this.namespace || '').replace(/\./g, '\\');
          const name = ns && event.startsWith(ns + '\\') ? event.slice(ns.length + 1) : '.' + event;
          for (const f of this.all) f(name, payload);
        }
        this.events.emit(event, payload);
      } else if (kind > 2) {
        this.events.emit('pusher:subscription_error', { type: 'AuthError', error: data, status: event });
      } else {
        this.events.emit('pusher:subscription_succeeded');
      }
    });
  }
  listen(event, callback) {
    this.events.bind(format(event, this.namespace), callback);
    return this;
  }
  stopListening(event, callback) {
    this.events.unbind(format(event, this.namespace), callback);
    return this;
  }
  listenToAll(callback) {
    this.all.push(callback);
    return this;
  }
  stopListeningToAll(callback) {
    this.all = callback ? this.all.filter((f) => f !== callback) : [];
    return this;
  }
  subscribed(callback) {
    this.events.bind('pusher:subscription_succeeded', () => callback());
    return this;
  }
  error(callback) {
    this.events.bind('pusher:subscription_error', (status) => callback(status));
    return this;
  }
  unsubscribe() {
    wasm.courtsideRelease(this.handle);
    this.events.unbind();
    this.all = [];
  }
}

class Connection extends Emitter {
  constructor() {
    super();
    this.state = 'initialized';
    let error;
    wasm.courtsideWatch((index, message) => {
      const state = STATES[index];
      if (message && message !== error) {
        const [, code, text] = /^(\d+): ([^]*)$/.exec(message) || [, null, message];
        this.emit('error', { type: 'PusherError', data: { code: code && +code, message: text } });
      }
      error = message;
      const previous = this.state;
      if (state === previous) return;
      this.state = state;
      this.emit('state_change', { previous, current: state });
      this.emit(state);
    });
  }
  get socket_id() {
    return wasm.courtsideSocket(false);
  }
}

class Courtside {
  constructor(options) {
    this.options = options;
    this.channels = new Map();
    this.connection = new Connection();
    this.connector = { pusher: { connection: this.connection }, channels: this.channels };
  }
  // A public channel, by its full name.
  channel(name) {
    let c = this.channels.get(name);
    if (!c) this.channels.set(name, (c = new Channel(name, this.options.namespace)));
    return c;
  }
  // A stats API channel (`match.123`, `games`, `competition.4`): `private-…` on the stats API's
  // own server, the public name on a site's relay (`channels: 'public'`).
  private(name) {
    return this.channel(this.options.channels === 'public' ? name : 'private-' + name);
  }
  leave(name) {
    for (const full of [name, 'private-' + name, 'private-encrypted-' + name, 'presence-' + name]) this.leaveChannel(full);
  }
  leaveChannel(name) {
    const c = this.channels.get(name);
    if (c) c.unsubscribe(), this.channels.delete(name);
  }
  leaveAllChannels() {
    for (const name of [...this.channels.keys()]) this.leaveChannel(name);
  }
  socketId() {
    return wasm.courtsideSocket(false);
  }
  disconnect() {
    wasm.courtsideSocket(true);
  }
  // Beyond Echo: one match as the scoreboard shows it, in the snapshot API's shape.
  match(id) {
    if (!Number.isSafeInteger(id) || id < 0) throw new TypeError('courtside: a match id is a whole number from 0 to 2^53');
    return {
      subscribe(next, error) {
        const handle = wasm.courtsideMatch(id, (state, status) => {
          try {
            if (state !== undefined) next(state);
            else if (error) error({ status, message: status == 404 ? 'unknown match' : 'access refused' });
          } catch (e) {
            console.error('courtside: a subscriber threw', e);
          }
        });
        const stop = () => wasm.courtsideRelease(handle);
        stop.unsubscribe = stop;
        return stop;
      },
    };
  }
}

let page;

// Connect the page (once: every call returns the same object, and opens the socket again after
// disconnect()). Options: the script tag's `gateway`, `host`, `port`, `tls`, `key`, `channels`
// (or Echo's `wsHost`, `wsPort`/`wssPort`, `forceTLS`), `namespace` (Echo's, default
// `App.Events`), `authorizer` (see setAuthorizer). Calls made while the first is on its way share
// it; a refused first call lets the next one try again.
export async function connect(options = {}) {
  const courtside = await (page ||= open(options).catch((e) => {
    page = undefined;
    throw e;
  }));
  wasm.courtsideConnect({}); // the page's settings are set: this only opens the socket if closed
  return courtside;
}

async function open(options) {
  await boot();
  const o = { ...options };
  o.host ??= o.wsHost;
  o.tls ??= o.forceTLS;
  o.port ??= o.tls === false ? o.wsPort : o.wssPort ?? o.wsPort;
  o.namespace ??= 'App.Events';
  const settings = {};
  for (const k of ['gateway', 'host', 'port', 'tls', 'key', 'channels']) if (o[k] != null) settings[k] = String(o[k]);
  if (o.authorizer) wasm.setAuthorizer(o.authorizer);
  // The page's settings: these options, or the script tag's when the page has one.
  o.channels = wasm.courtsideConnect(settings) ? 'public' : 'private'; // throws what it refused
  return new Courtside(o);
}
