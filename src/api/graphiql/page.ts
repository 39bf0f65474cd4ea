// The GraphiQL page: a small HTML document that loads everything from /graphiql/assets/.
// It holds no script of its own (the CSP in headers.ts allows none inline); what init.js
// needs comes in a JSON data block, which browsers never execute.
import type { GraphiQLAssets } from './assets.ts';
import { DEFAULT_GRAPHIQL_QUERY } from './default-query.ts';

/** What init.js reads from the page's #graphiql-config block. */
interface PageConfig {
  title: string;
  endpoint: string;
  defaultQuery: string;
  /** Monaco worker label → URL. */
  workers: Record<string, string>;
}

export function renderPage(assets: GraphiQLAssets, endpoint: string): string {
  const title = 'Operator Manager';
  const config: PageConfig = {
    title,
    endpoint,
    defaultQuery: DEFAULT_GRAPHIQL_QUERY,
    workers: Object.fromEntries(Object.entries(assets.workers).map(([label, a]) => [label, a.path])),
  };
  // Scripts are deferred and run in document order: graphql-ws, then init.js (sets up Monaco's
  // workers before the bundle loads), then the bundle; init.js renders on DOMContentLoaded.
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · GraphiQL</title>
    <link rel="icon" href="${assets.favicon.path}" />
    <link rel="stylesheet" href="${assets.css.path}" />
    <script type="application/json" id="graphiql-config">${jsonForHtml(config)}</script>
    <script defer src="${assets.graphqlWs.path}"></script>
    <script defer src="${assets.init.path}"></script>
    <script defer src="${assets.js.path}"></script>
  </head>
  <body class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`;
}

/** JSON that cannot end its <script> element early ("</script>", "<!--") inside HTML. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
