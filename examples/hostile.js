// Adds and removes widgets 100 times (as a single-page app would while navigating), then
// reports what the page still holds. The page's test reads document.body.dataset.
import { courtsideStats } from './courtside.js';

const params = new URLSearchParams(location.search);
const match = params.get('match') || '1';
const churn = document.getElementById('churn');
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function run() {
  await customElements.whenDefined('courtside-scoreboard');
  for (const el of document.querySelectorAll('courtside-scoreboard')) el.setAttribute('match', match);
  for (let i = 0; i < 100; i += 1) {
    const kind = ['courtside-scoreboard', 'courtside-ticker', 'courtside-competition'][i % 3];
    const el = document.createElement(kind);
    el.setAttribute(kind === 'courtside-competition' ? 'competition' : 'match', kind === 'courtside-competition' ? '4' : match);
    churn.append(el);
    await tick();
    el.remove();
  }
  document.body.dataset.afterChurn = JSON.stringify(courtsideStats());
  document.body.dataset.churned = 'yes';
}

window.addEventListener('courtside:cleanup', async () => {
  for (const el of document.querySelectorAll('courtside-scoreboard')) el.remove();
  // Channels linger 3 s after their last widget (so a widget coming straight back needs no
  // new subscription); wait that out, then report.
  const until = Date.now() + 6000;
  while (courtsideStats().channels > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  document.body.dataset.afterCleanup = JSON.stringify(courtsideStats());
});

run();
