// What GraphiQL shows on first load: how to authenticate, and a first query. The page's
// fetcher (init.js beside this file) sends the Headers pane as HTTP headers, and its
// Authorization as the graphql-ws connection parameter `authorization` for subscriptions.
export const DEFAULT_GRAPHIQL_QUERY = `# Operator Manager
#
# Every operation needs a token. Open "Headers" below and paste:
#   { "Authorization": "Bearer <token>" }
# (the server prints a development ADMIN token at start-up; \`npm run token\` mints others).
# Subscriptions travel over WebSocket and send the same header as connection parameters.

query Fleet {
  viewer { sub roles }
  clusters(first: 20) {
    totalCount
    edges { node { name environment healthStatus kubernetesVersion nodeCount } }
  }
  operators(first: 20) {
    edges { node { name namespace currentVersion latestVersion versions } }
  }
}
`;
