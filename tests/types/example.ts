// Compiled by `tsc --noEmit` in the test command: the declarations in src/api/courtside.d.ts
// must accept what the README shows and refuse what is wrong (each @ts-expect-error must fail).
import { connect, setAuthorizer, courtsideStats, type MatchState, type EventReceived } from 'courtside';

const echo = await connect({ gateway: 'https://gw.news.example' });
echo.private('match.123')
  .listen('.event.received', (data) => {
    const score: string = `${data.home_score} : ${data.away_score}`;
    const kind: string = data.event.type;
    console.log(score, kind);
  })
  .listen('.status.changed', (data) => {
    if (data.status === 'finished') console.log(data.previous_status);
  })
  .subscribed(() => console.log('live'))
  .error((e) => console.log(e.status, e.error));
echo.private('games').listen('.event.received', (data: EventReceived) => data.match_id);
echo.leave('match.123');
echo.connection.bind('state_change', ({ previous, current }) => console.log(previous, current));
echo.connector.pusher.connection.bind('error', (err) => console.error(err.data.code, err.data.message));
const stop = echo.match(123).subscribe((state: MatchState) => {
  const home: string = state.home_team?.name ?? 'Home';
  console.log(home, state.home_score, state.delayed === true);
}, (refusal) => console.log(refusal.status));
stop();
stop.unsubscribe();
setAuthorizer(async (channel, socketId) => ({ auth: `key:${channel}:${socketId}` }));
setAuthorizer(null);
const bad: number = courtsideStats().badPushes;

const board = document.querySelector('courtside-scoreboard');
board?.addEventListener('courtside:score', (e) => console.log(e.detail.matchId, e.detail.home, e.detail.away));
document.addEventListener('courtside:status', (e) => console.log(e.detail.status, e.detail.previous));

// @ts-expect-error: a match id is a number
echo.match('123');
// @ts-expect-error: a state has no `score`
echo.match(1).subscribe((s) => s.score);
// @ts-expect-error: not a connection event
echo.connection.bind('reconnected', () => {});
// @ts-expect-error: an event payload's score is a number
echo.private('match.1').listen('.event.received', (d) => { const s: string = d.home_score; return s; });
// @ts-expect-error: connect's port is a number or text, not a boolean
await connect({ gateway: '/', port: true });
export { bad };
