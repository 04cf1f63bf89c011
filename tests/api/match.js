// courtside's own addition to Echo's shape: match(id).subscribe, the reduced state.
import { connect } from './api.js';

const q = new URLSearchParams(location.search);
const [a, b] = [Number(q.get('match')), Number(q.get('other'))];
const page = (window.page = { states: { [a]: [], [b]: [] }, errors: [], stop: null, error: null });
try {
  try {
    await connect({ gateway: 'javascript:alert(1)', port: 'eighty' });
    page.errors.push(['a bad gateway and port were accepted']);
  } catch (e) {
    page.errors.push(['bad settings', String(e.message)]);
  }
  const settings = { gateway: q.get('gateway'), host: '127.0.0.1', port: q.get('port'), tls: false, key: q.get('key') };
  // Two calls on their way at once: one page, one object.
  const [courtside, again] = await Promise.all([connect(settings), connect(settings)]);
  if (courtside !== again || courtside !== (await connect())) page.errors.push(['connect made a second object']);
  page.stop = courtside.match(a).subscribe((s) => page.states[a].push(s), (e) => page.errors.push(['a', e]));
  courtside.match(b).subscribe((s) => page.states[b].push(s), (e) => page.errors.push(['b', e]));
  courtside.match(987654321).subscribe((s) => page.errors.push(['unknown match had a state', s]), (e) => page.errors.push(['unknown', e]));
  try {
    courtside.match(-1);
    courtside.match(1.5).subscribe(() => {});
    page.errors.push(['1.5 was accepted as a match id']);
  } catch (e) {
    page.errors.push(['bad id', String(e.message)]);
  }
} catch (e) {
  page.error = String(e && e.stack || e);
}
