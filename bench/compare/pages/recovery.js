// Recovery pages, `?page=courtside|reference&n=100&base=ID&mode=frames|widgets`.
// frames:  n readers, each in a frame of its own with its own copy of the library and its own
//          socket, following match base+i: how each library spreads its reconnect attempts.
// widgets: n widgets on this one page, each following match base+i, the library's one socket
//          shared by all: how long until every widget is back.
// window.__readers() returns, per reader, {ready, sockets, synced} (times since the epoch).
(() => {
  const q = new URLSearchParams(location.search);
  const page = q.get('page');
  const n = Number(q.get('n'));
  const base = Number(q.get('base'));
  if (q.get('mode') === 'frames') {
    const frames = [];
    for (let i = 0; i < n; i++) {
      const frame = document.createElement('iframe');
      frame.src = `${page}.html?quiet&match=${base + i}`;
      document.body.append(frame);
      frames.push(frame);
    }
    window.__readers = () => frames.map((f) => {
      const w = f.contentWindow;
      const b = w && w.__bench;
      return b ? { ready: w.__ready === true, sockets: b.sockets, synced: b.synced } : { ready: false, sockets: [], synced: [] };
    });
    return;
  }
  const ids = Array.from({ length: n }, (_, i) => base + i);
  const synced = new Map(ids.map((id) => [id, []]));
  const ready = new Set();
  window.__readers = () => ids.map((id) => ({ ready: ready.has(id), sockets: window.__bench.sockets, synced: synced.get(id) }));
  if (page === 'courtside') {
    document.addEventListener('courtside:synced', (e) => {
      const id = e.detail.matchId;
      if (synced.has(id)) { synced.get(id).push(Date.now()); ready.add(id); }
    }, true);
    for (const id of ids) {
      const board = document.createElement('courtside-scoreboard');
      board.setAttribute('size', 'nano');
      board.setAttribute('match', String(id));
      document.body.append(board);
    }
    return;
  }
  // The reference: one Echo, one private channel per widget, plain DOM updates.
  (async () => {
    const cfg = document.body.dataset;
    const headers = await window.__benchToken(cfg);
    const echo = window.__benchEcho(cfg, headers);
    for (const id of ids) {
      const el = document.createElement('div');
      document.body.append(el);
      const snapshot = await (await fetch(`${cfg.gateway}/api/matches/${id}`, { headers })).json();
      el.textContent = `${snapshot.home_score} : ${snapshot.away_score}`;
      echo.private(`match.${id}`)
        .subscribed(() => { synced.get(id).push(Date.now()); ready.add(id); })
        .listen('.event.received', (data) => { el.textContent = `${data.home_score} : ${data.away_score}`; });
    }
  })();
})();
