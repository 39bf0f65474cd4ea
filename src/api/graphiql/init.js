// Browser start-up of the GraphiQL page (page.ts), served as a file because the page's CSP
// (headers.ts) allows no inline script. Runs after graphql-ws's browser build and before the
// GraphiQL bundle: it tells Monaco where its same-origin workers are, then renders GraphiQL
// with a fetcher that sends the Headers pane
//  - with queries and mutations, as HTTP headers of a POST;
//  - with subscriptions, as graphql-ws connection parameters: { authorization } is what the
//    server reads from connection_init (one WebSocket client per Authorization value).
(() => {
  const config = JSON.parse(document.getElementById('graphiql-config').textContent);

  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl(_moduleId, label) {
      const url = config.workers[label];
      if (!url) throw new Error(`GraphiQL has no Monaco worker "${label}"`);
      return url;
    },
  };

  const endpoint = new URL(config.endpoint, location.href);
  const wsEndpoint = new URL(endpoint);
  wsEndpoint.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

  /** The value of a header of the Headers pane, whatever its case. */
  function headerValue(headers, name) {
    for (const [key, value] of Object.entries(headers ?? {})) {
      if (key.toLowerCase() === name && value != null) return String(value);
    }
    return undefined;
  }

  function operationType(params, documentAST) {
    const operations = (documentAST?.definitions ?? []).filter((d) => d.kind === 'OperationDefinition');
    const operation = params.operationName ? operations.find((d) => d.name?.value === params.operationName) : operations[0];
    return operation?.operation ?? 'query';
  }

  async function post(params, headers) {
    const paneHeaders = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
    const response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        ...paneHeaders,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        // Yoga's CSRF prevention: a header a cross-site form or simple request cannot send.
        'x-graphql-yoga-csrf': '1',
      },
      body: JSON.stringify({ query: params.query, operationName: params.operationName ?? undefined, variables: params.variables ?? undefined }),
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
    }
  }

  const NO_TOKEN =
    'No token yet. Open Headers and paste your token as Authorization: Bearer <token>, then re-fetch the schema (Shift+Ctrl+R) for docs and completion.';

  let ws; // { authorization, client } of the current WebSocket client
  function wsClient(authorization) {
    if (ws && ws.authorization === authorization) return ws.client;
    ws?.client.dispose(); // its subscriptions belonged to the previous token
    const client = graphqlWs.createClient({
      url: wsEndpoint.href,
      connectionParams: authorization === undefined ? {} : { authorization },
      // Report a refused token or a lost server at once; "Run" again reconnects.
      retryAttempts: 0,
    });
    ws = { authorization, client };
    return client;
  }

  /** An observable, as GraphiQL takes from a fetcher: subscribe(observer) → { unsubscribe }. */
  function subscription(params, headers) {
    return {
      subscribe(observer) {
        const client = wsClient(headerValue(headers, 'authorization'));
        const unsubscribe = client.subscribe(
          { query: params.query, operationName: params.operationName ?? undefined, variables: params.variables ?? undefined },
          {
            next: (result) => observer.next?.(result),
            complete: () => observer.complete?.(),
            error: (err) => {
              // graphql-ws reports GraphQL errors as an array, a closed socket as a CloseEvent.
              if (Array.isArray(err)) {
                observer.next?.({ errors: err });
                observer.complete?.();
              } else if (err instanceof Error) observer.error?.(err);
              else if (typeof err?.code === 'number') observer.error?.(new Error(`WebSocket closed: ${err.code} ${err.reason || ''}`.trim()));
              else observer.error?.(new Error('WebSocket error: the server could not be reached'));
            },
          },
        );
        return { unsubscribe };
      },
    };
  }

  function fetcher(params, opts) {
    // GraphiQL introspects on load, before anyone could paste a token: say what to do instead
    // of sending a request that can only be refused.
    if (params.operationName === 'IntrospectionQuery' && headerValue(opts?.headers, 'authorization') === undefined) {
      return Promise.resolve({ errors: [{ message: NO_TOKEN }] });
    }
    if (operationType(params, opts?.documentAST) === 'subscription') return subscription(params, opts?.headers);
    return post(params, opts?.headers);
  }

  document.addEventListener('DOMContentLoaded', () => {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), {
      title: config.title,
      defaultQuery: config.defaultQuery,
      fetcher,
      // Tokens pasted into the Headers pane stay in this tab, not in localStorage.
      shouldPersistHeaders: false,
    });
  });
})();
