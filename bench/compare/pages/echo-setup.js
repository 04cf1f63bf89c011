// How the reference pages connect, the way the stats API's documentation shows it: a widget
// token from the gateway, then laravel-echo over pusher-js with the gateway signing channels.
window.__benchToken = async (cfg) => {
  const token = (await (await fetch(`${cfg.gateway}/token`, { method: 'POST' })).json()).token;
  return { Authorization: `Bearer ${token}` };
};
window.__benchEcho = (cfg, headers) => {
  window.Pusher = Pusher;
  return new Echo.default({
    broadcaster: 'reverb', key: cfg.key, wsHost: cfg.host, wsPort: Number(cfg.port), forceTLS: false,
    enabledTransports: ['ws'], disableStats: true, authEndpoint: `${cfg.gateway}/auth`, auth: { headers },
  });
};
