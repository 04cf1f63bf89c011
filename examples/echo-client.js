// The stats API documentation's `echo-client.js`, on courtside: the same `echo` object, but
// no secret in the page (the site's gateway signs channels), one socket shared with any
// courtside widget, backfill after every gap, duplicates dropped. A site writes its own
// settings here, e.g. connect({ gateway: 'https://gw.news.example' }); the {{…}} are filled in
// by the test command (scripts/test.sh), which serves this page against its own servers.
import { connect } from './api.js';

export const echo = await connect({ gateway: '{{GATEWAY}}', host: '127.0.0.1', port: '{{WS_PORT}}', tls: false, key: '{{KEY}}' });
