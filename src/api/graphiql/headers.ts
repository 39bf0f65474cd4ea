// Security headers of the GraphiQL page and its assets. Admins paste tokens into that page,
// so it may load and talk to nothing but this server. Sources other than 'self' or 'none'
// are there only because the GraphiQL bundle (@graphql-yoga/render-graphiql) needs them;
// test/browser/graphiql.test.ts fails on any violation report.
const CSP_DIRECTIVES = [
  "default-src 'self'",
  // No inline script and no eval: the page's start-up code is the served init.js.
  "script-src 'self'",
  // Monaco and GraphiQL add <style> elements (Monaco's theme and per-editor rules) and set
  // style attributes through markup at run time, about a thousand on first render; their text
  // is built in the browser, so neither hashes nor nonces can name it. Styles run no code,
  // and what they may load is bounded by img-src and font-src.
  "style-src 'self' 'unsafe-inline'",
  // graphiql.css embeds Monaco's fonts (codicons, the editor font) as data: URLs, and the
  // images of Monaco's colour picker and iPad keyboard button.
  "img-src 'self' data:",
  "font-src 'self' data:",
  // fetch to /graphql and the graphql-ws WebSocket: 'self' covers ws:/wss: of the same host
  // and port (CSP Level 3, as Chromium implements it).
  "connect-src 'self'",
  // Monaco's editor, JSON and GraphQL language workers, served from /graphiql/assets/.
  "worker-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');

/** Headers every GraphiQL response carries (a worker script's own CSP governs that worker). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
