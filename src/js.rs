//! The widget's JavaScript: one snippet, so one file for the page to fetch. The custom-element
//! classes (a class must extend `HTMLElement`, which only JS can write) and the host-page
//! events (one call from wasm each, instead of building the event and its detail field by
//! field across the boundary).

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen(inline_js = r#"
export function define_elements(mount, css) {
  let sheet = null;
  try { sheet = new CSSStyleSheet(); sheet.replaceSync(css); } catch (e) { sheet = null; }
  const define = (name) => {
    if (customElements.get(name)) return;
    customElements.define(name, class extends HTMLElement {
      static get observedAttributes() { return ['match', 'competition', 'lang', 'interval', 'leave-after']; }
      connectedCallback() { this._mount(); }
      disconnectedCallback() { this._unmount(); }
      attributeChangedCallback() { if (this._h) { this._unmount(); this._mount(); } }
      _mount() {
        if (this._h || !this.isConnected) return;
        let root = this.shadowRoot;
        if (!root) {
          root = this.attachShadow({ mode: 'open' });
          if (sheet) { root.adoptedStyleSheets = [sheet]; }
          else { const s = document.createElement('style'); s.textContent = css; root.appendChild(s); }
        }
        this._h = mount(name, this, root);
      }
      _unmount() { const h = this._h; this._h = null; if (h) h.free(); }
    });
  };
  define('courtside-scoreboard');
  define('courtside-ticker');
  define('courtside-competition');
}

// Dispatched in a microtask: after the view's effects (queued when its state changed), so a
// listener finds the change on screen, and the screen gets it without waiting for listeners.
const fire = (host, name, detail) => queueMicrotask(() =>
  host.dispatchEvent(new CustomEvent('courtside:' + name, { bubbles: true, composed: true, detail })));
export function emit_score(host, matchId, home, away) { fire(host, 'score', { matchId, home, away }); }
export function emit_status(host, matchId, status, previous) { fire(host, 'status', { matchId, status, previous }); }
export function emit_synced(host, matchId) { fire(host, 'synced', { matchId }); }
export function emit_connection(host, state) { host.setAttribute('data-connection', state); fire(host, 'connection', { state }); }
"#)]
extern "C" {
    /// Defines the three elements; `mount(name, element, shadowRoot)` returns their handle.
    pub fn define_elements(mount: &js_sys::Function, css: &str);
    /// The host-page events (`ui::host_events`), each built and dispatched in one call.
    pub fn emit_score(host: &HtmlElement, match_id: f64, home: u32, away: u32);
    pub fn emit_status(host: &HtmlElement, match_id: f64, status: &str, previous: &str);
    pub fn emit_synced(host: &HtmlElement, match_id: f64);
    /// Sets `data-connection` too.
    pub fn emit_connection(host: &HtmlElement, state: &str);
}
