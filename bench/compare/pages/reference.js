// The reference: the same job done with pusher-js + laravel-echo and plain DOM updates, the
// way the stats API's documentation shows it, with the same gateway for tokens and auth.
(async () => {
  const cfg = { ...document.body.dataset, match: new URLSearchParams(location.search).get('match') };
  const home = document.getElementById('home');
  const away = document.getElementById('away');
  window.__benchWatch(document.getElementById('board'), () => home.textContent);
  const headers = await window.__benchToken(cfg);
  const snapshot = await (await fetch(`${cfg.gateway}/api/matches/${cfg.match}`, { headers })).json();
  home.textContent = snapshot.home_score;
  away.textContent = snapshot.away_score;
  const echo = window.__benchEcho(cfg, headers);
  echo.private(`match.${cfg.match}`)
    // laravel-echo calls this again after every resubscription; there is no backfill to wait for.
    .subscribed(() => { window.__ready = true; window.__bench.synced.push(Date.now()); })
    .listen('.event.received', (data) => {
      home.textContent = data.home_score;
      away.textContent = data.away_score;
    });
})();
