// Host-page metrics, recorded from the first script of the page (a classic script in <head>, in
// every variant, with and without the widget): LCP candidates, layout shifts, long tasks, and for
// the widget (#widget) when it first enters the viewport and when it first shows a score.
(() => {
  const m = (window.__hp = { lcp: [], shifts: [], tasks: [], visibleAt: null, paintedAt: null, scrolledAt: null });
  const name = (n) => (!n ? null : n.nodeType === 1 ? n.localName + (n.id ? '#' + n.id : '') : n.nodeName);
  const watch = (type, f) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(f)).observe({ type, buffered: true }); } catch (e) { m[type + 'Unsupported'] = true; }
  };
  watch('largest-contentful-paint', (e) => m.lcp.push({ t: e.startTime, size: e.size, element: name(e.element), url: e.url }));
  watch('layout-shift', (e) => m.shifts.push({ t: e.startTime, value: e.value, input: e.hadRecentInput,
    sources: (e.sources || []).map((s) => name(s.node)) }));
  watch('longtask', (e) => m.tasks.push({ t: e.startTime, d: e.duration }));
  const follow = () => {
    const w = document.getElementById('widget');
    if (!w) return;
    new IntersectionObserver((es, io) => {
      if (es.some((e) => e.isIntersecting)) { m.visibleAt = performance.now(); io.disconnect(); }
    }).observe(w);
    const poll = setInterval(() => {
      const s = w.shadowRoot && w.shadowRoot.querySelector('[data-score=home]');
      if (s && s.textContent) { m.paintedAt = performance.now(); clearInterval(poll); }
    }, 20);
  };
  document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', follow) : follow();
  // A reader skimming down: `step` px every `every` ms until the widget's top is at mid-screen
  // (or the page ends).
  m.scrollToWidget = (step, every) => {
    m.scrolledAt = performance.now();
    const w = document.getElementById('widget');
    const t = setInterval(() => {
      const end = window.scrollY + innerHeight >= document.documentElement.scrollHeight - 1;
      if (end || (w && w.getBoundingClientRect().top <= innerHeight / 2)) { clearInterval(t); m.scrollDone = performance.now(); return; }
      window.scrollBy(0, step);
    }, every);
  };
})();
