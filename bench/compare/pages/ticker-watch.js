// Throughput pages (both sides): per animation frame, how many DOM mutations each game card
// received (a card patched twice in one frame is wasted work). measure.js counts the messages.
// Its frame callback is not the library's: it uses the rAF measure.js does not time.
(() => {
  let perCard = new Map();
  const frame = () => {
    for (const n of perCard.values()) {
      if (n > window.__tp.maxPatchesPerCardPerFrame) window.__tp.maxPatchesPerCardPerFrame = n;
    }
    if (perCard.size) { window.__tp.frames += 1; window.__tp.patched += perCard.size; }
    perCard = new Map();
    window.__nativeRaf(frame);
  };
  window.__nativeRaf(frame);
  window.__tpWatch = (root, cardOf) => {
    new MutationObserver((records) => {
      const seen = new Set();
      for (const r of records) {
        const card = cardOf(r.target);
        if (card && !seen.has(card)) { seen.add(card); perCard.set(card, (perCard.get(card) || 0) + 1); }
      }
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  };
})();
