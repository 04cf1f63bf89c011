// The reference ticker: every live game as a card, kept current from `private-games` with
// pusher-js + laravel-echo and plain DOM updates, written the way the stats API's documentation
// shows it (examples/echo-api.html): the list from the HTTP API, then
// `echo.private('games').listen('.event.received', …)` and `.status.changed` refreshing a card
// each, and, as its comment says, "WS connected — refetch state from HTTP API to catch missed
// updates" after a reconnect. The same gateway for tokens, auth and the list as courtside's.
(async () => {
  const cfg = document.body.dataset;
  const ticker = document.getElementById('ticker');
  const cards = new Map();
  const code = (team) => (team && (team.short_name || team.name)) || '';
  const statusText = (status, period, clock) =>
    status === 'in_progress' ? `Live · Q${period || 1} ${clock || ''}` : status === 'finished' ? 'Final' : status;

  // One card per game, made the first time the game is seen.
  function cardFor(id) {
    let c = cards.get(id);
    if (c) return c;
    const el = document.createElement('article');
    el.className = 'card';
    el.dataset.match = id;
    el.innerHTML = '<p class="status"></p>'
      + '<div class="row"><span class="team home"></span><span class="score home"></span></div>'
      + '<div class="row"><span class="team away"></span><span class="score away"></span></div>';
    c = {
      status: el.querySelector('.status'),
      homeTeam: el.querySelector('.team.home'), awayTeam: el.querySelector('.team.away'),
      home: el.querySelector('.score.home'), away: el.querySelector('.score.away'),
    };
    cards.set(id, c);
    ticker.append(el);
    return c;
  }

  function refreshTickerCard(id, home, away, status, period, clock) {
    const c = cardFor(id);
    c.home.textContent = home;
    c.away.textContent = away;
    c.status.textContent = statusText(status, period, clock);
  }

  function refreshTickerStatus(id, status) {
    cardFor(id).status.textContent = statusText(status);
  }

  const headers = await window.__benchToken(cfg);
  async function refetch() {
    const list = await (await fetch(`${cfg.gateway}/api/matches?status=live`, { headers })).json();
    for (const m of list.matches) {
      const c = cardFor(m.id);
      c.homeTeam.textContent = code(m.home_team);
      c.awayTeam.textContent = code(m.away_team);
      refreshTickerCard(m.id, m.home_score, m.away_score, m.status, m.current_period, m.current_clock);
    }
  }
  await refetch();
  window.__tpWatch(ticker, (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    const card = el && el.closest('[data-match]');
    return card && card.dataset.match;
  });
  window.__cards = () => cards.size;
  window.__cardScores = () => [...cards].map(([id, c]) => [String(id), c.home.textContent]);

  const echo = window.__benchEcho(cfg, headers);
  const games = echo.private('games');
  games.listen('.event.received', (data) => {
    // Every event from every match in the system
    refreshTickerCard(data.match_id, data.home_score, data.away_score, data.status, data.current_period, data.current_clock);
  });
  games.listen('.status.changed', (data) => refreshTickerStatus(data.match_id, data.status));
  games.subscribed(() => { window.__ready = true; window.__bench.synced.push(Date.now()); });
  let connected = 0;
  echo.connector.pusher.connection.bind('connected', () => {
    // Not the first connection: refetch state from the HTTP API to catch missed updates.
    if (connected++ > 0) refetch();
  });
})();
