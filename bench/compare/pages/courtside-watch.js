// courtside page: watch the scoreboard's home score inside its (open) shadow root.
document.getElementById('board').setAttribute('match', new URLSearchParams(location.search).get('match'));
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
