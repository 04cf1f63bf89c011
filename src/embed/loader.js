// courtside loader. A page embeds the widgets with one external module script:
//   <script type="module" src="https://cdn.example/courtside/loader.js"
//           data-gateway="https://gateway.news.example"></script>
//   <courtside-scoreboard match="123"></courtside-scoreboard>
// No inline script is needed, so a strict Content-Security-Policy with 'wasm-unsafe-eval' works.
import init from './courtside.js';

init().catch((error) => console.error('courtside: could not start', error));
