// The demo page: feature one live game, and move on to another when it ends.
const featured = document.getElementById('featured');

async function liveMatches() {
  const minted = await fetch('/token', { method: 'POST' });
  if (!minted.ok) throw new Error(`token answered ${minted.status}`);
  const { token } = await minted.json();
  const response = await fetch('/api/matches?status=live', { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`live list answered ${response.status}`);
  return (await response.json()).matches;
}

async function feature(excludeId) {
  let matches = [];
  try {
    matches = await liveMatches();
  } catch (error) {
    console.warn('courtside demo:', error.message);
  }
  const next = matches.find((m) => m.id !== excludeId) || matches[0];
  if (!next) {
    setTimeout(() => feature(excludeId), 3000);
    return;
  }
  const board = document.createElement('courtside-scoreboard');
  board.setAttribute('match', String(next.id));
  board.addEventListener('courtside:status', (event) => {
    if (event.detail.status === 'finished') setTimeout(() => feature(next.id), 8000);
  });
  featured.replaceChildren(board);
}

feature(null);
