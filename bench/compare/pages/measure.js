// Loaded first on every benchmark page. Records, per score value N, when the WebSocket message
// carrying home_score N arrived and when the DOM first showed N; when the first score was
// painted; every socket the page opened (for the reconnect spread) and every resubscription.
// With `?quiet` in the address (memory and recovery runs) it keeps no per-message records,
// only counters, so that the page's own bookkeeping does not grow. Both libraries pay the
// same cost for it.
window.__bench = { msg: {}, dom: {}, firstPaint: null, longTasks: [], longTaskStarts: [], sockets: [], synced: [], received: 0, last: null };
window.__tp = { received: 0, maxPatchesPerCardPerFrame: 0, frames: 0, patched: 0 };
(() => {
  const quiet = new URLSearchParams(location.search).has('quiet');
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__bench.sockets.push(Date.now());
      window.__socket = this;
      // Registered before the library sets onmessage, so it runs first for every message.
      this.addEventListener('message', (e) => {
        const t = performance.now();
        window.__bench.received += 1;
        if (quiet) return;
        // The throughput run's own events (ids from 2,000,000,000), not the demo league's.
        if (typeof e.data === 'string' && /\\"id\\":200[01]\d{6}/.test(e.data)) window.__tp.received += 1;
        try {
          const frame = JSON.parse(e.data);
          if (frame.event === 'event.received') {
            const data = typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
            if (!(data.home_score in window.__bench.msg)) window.__bench.msg[data.home_score] = t;
          }
        } catch (_) { /* not ours to judge */ }
      });
    }
  };
  // A forced reconnect the Pusher protocol defines: the server reports error 4201 and closes
  // the socket with that code ("reconnect immediately"). Both libraries act on it at once.
  window.__forceReconnect = () => {
    const ws = window.__socket;
    if (!ws || ws.readyState !== Native.OPEN) return false;
    const data = JSON.stringify({ event: 'pusher:error', data: { code: 4201, message: 'benchmark: reconnect now' } });
    ws.dispatchEvent(new MessageEvent('message', { data }));
    ws.close(4201, 'benchmark');
    return true;
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__bench.longTasks.push(Math.round(e.duration));
        window.__bench.longTaskStarts.push(Math.round(e.startTime));
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (_) { /* no long-task support */ }
  window.__benchWatch = (node, read) => {
    const seen = () => {
      const v = read();
      if (v == null || v === '') return;
      window.__bench.last = v;
      if (quiet) return;
      const t = performance.now();
      if (window.__bench.firstPaint == null) window.__bench.firstPaint = t;
      if (!(v in window.__bench.dom)) window.__bench.dom[v] = t;
    };
    new MutationObserver(seen).observe(node, { subtree: true, childList: true, characterData: true });
    seen();
  };
})();
