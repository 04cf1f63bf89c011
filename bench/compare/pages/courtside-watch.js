// courtside page: watch the scoreboard's home score inside its (open) shadow root, and note
// every time the board is back in sync after a (re)subscription.
import { courtsideStats } from './courtside.js';

window.__stats = courtsideStats;
document.getElementById('board').setAttribute('match', new URLSearchParams(location.search).get('match'));
document.addEventListener('courtside:synced', () => window.__bench.synced.push(Date.now()), true);
customElements.whenDefined('courtside-scoreboard').then(() => {
  const board = document.getElementById('board');
  const attach = () => {
    if (!board.shadowRoot) return setTimeout(attach, 5);
    window.__benchWatch(board.shadowRoot, () => {
      const el = board.shadowRoot.querySelector('[data-score=home]');
      return el && el.textContent;
    });
    const ready = () => (board.getAttribute('data-connection') === 'live' ? (window.__ready = true) : setTimeout(ready, 20));
    ready();
  };
  attach();
});
