// Throughput page (courtside): once the ticker has painted its cards, watch them (ticker-watch.js)
// and tell the driver how many there are and what each shows (game id, home score).
customElements.whenDefined('courtside-ticker').then(() => {
  const t = document.getElementById('ticker');
  const attach = () => {
    if (!t.shadowRoot || !t.shadowRoot.querySelector('.cs-card')) return setTimeout(attach, 20);
    const cardOf = (node) => {
      const el = node.nodeType === 1 ? node : node.parentElement;
      const card = el && el.closest('[data-match]');
      return card && card.getAttribute('data-match');
    };
    window.__tpWatch(t.shadowRoot, cardOf);
    window.__cards = () => t.shadowRoot.querySelectorAll('.cs-card').length;
    window.__cardScores = () => [...t.shadowRoot.querySelectorAll('.cs-card')]
      .map((c) => [c.dataset.match, c.querySelector('.cs-card-score').textContent]);
    window.__ready = true;
  };
  attach();
});
