// courtside loader (shipped as written: keep it small). Fetches nothing until a courtside element
// is within a viewport of the screen and the page has loaded (data-load="eager": at once). Each
// element reserves its widget's height (tests/release_check.py checks it), so the page does not
// move when the widget paints; zero specificity: any rule of the page wins.
const d = document, T = 'courtside-scoreboard,courtside-ticker,courtside-competition';
const o = (d.querySelector('script[data-gateway]') || {}).dataset || {};
let io, mo, on;
try {
  const s = new CSSStyleSheet();
  s.replaceSync(`:where(${T}):where(:not([hidden])){display:block}:where(courtside-scoreboard){min-height:165px}`
    + ':where(courtside-scoreboard[size=compact]){min-height:105px}:where(courtside-scoreboard[size=nano]){min-height:102px;width:170px}'
    + ':where(courtside-ticker,courtside-competition){min-height:151px}');
  d.adoptedStyleSheets = [...d.adoptedStyleSheets, s];
} catch (e) {}
const hint = (u, c) => {
  try {
    u = new URL(u, location).origin;
    if (u == location.origin) return;
    const l = d.createElement('link');
    l.rel = 'preconnect';
    l.href = u;
    if (c) l.crossOrigin = '';
    d.head.append(l);
  } catch (e) {}
};
const start = () => {
  if (on) return;
  on = 1;
  if (io) io.disconnect(), mo.disconnect();
  const h = o.host || 'stats-api.ds2.app';
  hint(o.gateway || '/', 1);
  if (h != 'self') hint(`http${/^(false|0)$/.test(o.tls) ? '' : 's'}://${h}:${o.port || 443}`);
  // One start per page, shared with the JS API (api.js) when the page uses both.
  const go = () => {
    const b = Symbol.for('courtside.boot');
    if (globalThis[b]) return;
    const w = fetch(new URL('courtside_bg.wasm', import.meta.url)); // alongside the glue, not after it
    (globalThis[b] = import('./courtside.js').then((m) => m.default({ module_or_path: w })))
      .catch((e) => console.error('courtside: could not start', e));
  };
  o.load == 'eager' || d.readyState == 'complete' ? go() : addEventListener('load', go, { once: true });
};
if (o.load == 'eager') start();
else {
  io = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && start(), { rootMargin: '100%' });
  const scan = (n) => {
    if (n.matches(T)) io.observe(n);
    n.querySelectorAll(T).forEach((e) => io.observe(e));
  };
  mo = new MutationObserver((rs) => rs.forEach((r) => r.addedNodes.forEach((n) => n.nodeType == 1 && scan(n))));
  mo.observe(d.documentElement, { childList: true, subtree: true });
  scan(d.documentElement);
}
