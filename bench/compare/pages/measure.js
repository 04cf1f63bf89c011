// Loaded first on every benchmark page. Records, per score value N, when the WebSocket message
// carrying home_score N arrived and when the DOM first showed N; when the first score was
// painted; every socket the page opened (for the reconnect spread) and every resubscription.
// With `?quiet` in the address (memory and recovery runs) it keeps no per-message records,
// only counters, so that the page's own bookkeeping does not grow. With `?tp=FIRST,COUNT`
// (throughput runs) it also counts, per game FIRST..FIRST+COUNT-1, the events that reached the
// socket and the last score among them. Both libraries pay the same cost for it.
// It also times the library's own work (window.__cost): each call of the socket's `onmessage`
// and of each `requestAnimationFrame` callback, up to the end of the microtasks they queued (a
// microtask queued after the call runs after those: effects and futures woken by the call, and
// the benchmark's own MutationObserver callbacks for the DOM it changed, on both sides alike).
window.__bench = { msg: {}, dom: {}, firstPaint: null, longTasks: [], longTaskStarts: [], loaf: [], sockets: [], synced: [], received: 0, last: null };
window.__tp = { received: 0, games: {}, maxPatchesPerCardPerFrame: 0, frames: 0, patched: 0 };
window.__cost = {
  message: { n: 0, ms: 0, max: 0, maxAt: 0, over1: 0, over5: 0, over16: 0 },
  frame: { n: 0, ms: 0, max: 0, maxAt: 0, over1: 0, over5: 0, over16: 0 },
};
window.__nativeRaf = window.requestAnimationFrame.bind(window);
(() => {
  const timed = (cost, fn, self, args) => {
    const t0 = performance.now();
    try {
      return fn.apply(self, args);
    } finally {
      queueMicrotask(() => {
        const d = performance.now() - t0;
        cost.n += 1;
        cost.ms += d;
        if (d > cost.max) { cost.max = d; cost.maxAt = t0; }
        if (d > 1) cost.over1 += 1;
        if (d > 5) cost.over5 += 1;
        if (d > 16) cost.over16 += 1;
      });
    }
  };
  window.requestAnimationFrame = (cb) => window.__nativeRaf((t) => timed(window.__cost.frame, cb, window, [t]));
  const query = new URLSearchParams(location.search);
  const quiet = query.has('quiet');
  const [tpFirst, tpCount] = (query.get('tp') || '0,0').split(',').map(Number);
  const tpEnd = tpFirst + tpCount;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    get onmessage() {
      return this.__onmessage || null;
    }

    set onmessage(fn) {
      this.__onmessage = fn;
      super.onmessage = typeof fn === 'function' ? (e) => timed(window.__cost.message, fn, this, [e]) : fn;
    }

    constructor(...args) {
      super(...args);
      window.__bench.sockets.push(Date.now());
      window.__socket = this;
      // Registered before the library sets onmessage, so it runs first for every message.
      this.addEventListener('message', (e) => {
        const t = performance.now();
        window.__bench.received += 1;
        if (quiet) return;
        try {
          const frame = JSON.parse(e.data);
          if (frame.event === 'event.received') {
            const data = typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
            if (!(data.home_score in window.__bench.msg)) window.__bench.msg[data.home_score] = t;
            // The throughput run's own games (?tp=FIRST,COUNT), not the demo league's: per
            // game, the events that reached the socket and the last home score among them.
            const id = data.match_id;
            if (id >= tpFirst && id < tpEnd) {
              window.__tp.received += 1;
              const g = window.__tp.games[id] || (window.__tp.games[id] = [0, null]);
              g[0] += 1;
              g[1] = data.home_score;
            }
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
  // Long animation frames (over 50 ms), with where their time went: the scripts that ran (what
  // invoked each: a socket message, a frame callback, a timer…), and the frame's rendering and
  // style and layout. The first 2,000, not in quiet mode.
  try {
    const ms = (x) => Math.round(x * 10) / 10;
    new PerformanceObserver((list) => {
      if (quiet) return;
      for (const e of list.getEntries()) {
        if (window.__bench.loaf.length >= 2000) return;
        const end = e.startTime + e.duration;
        window.__bench.loaf.push({
          start: ms(e.startTime), duration: ms(e.duration), blocking: ms(e.blockingDuration),
          render: e.renderStart ? ms(end - e.renderStart) : 0,
          styleLayout: e.styleAndLayoutStart ? ms(end - e.styleAndLayoutStart) : 0,
          scripts: e.scripts.map((x) => ({
            invoker: x.invoker, type: x.invokerType, duration: ms(x.duration),
            source: `${(x.sourceURL || '').split('/').pop()}:${x.sourceFunctionName || ''}`,
            forcedStyleLayout: ms(x.forcedStyleAndLayoutDuration || 0),
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (_) { /* no long-animation-frame support */ }
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
