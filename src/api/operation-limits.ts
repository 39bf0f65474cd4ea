// Limits on GraphQL documents, enforced by @escape.tech/graphql-armor (tokens while
// parsing; depth, aliases, directives and cost while validating — each linear in the
// document, fragments measured once per definition) plus a character limit checked before
// parsing. Every refusal is a BAD_USER_INPUT error that names the limit and its setting.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphqlLimits } from '../config/api.ts';

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** What armor found ("… exceeded, found 13."), rounded; costs may be fractional. */
const foundIn = (message: string) => {
  const n = Number(/found (\d+(?:\.\d+)?)/.exec(message)?.[1]);
  return Number.isFinite(n) ? String(Math.round(n)) : 'more';
};

/** Reports `describe(found)` as a validation error instead of armor's own wording. */
function report(describe: (found: string) => string): { propagateOnRejection: false; onReject: GraphQLArmorRejectCallback[] } {
  return { propagateOnRejection: false, onReject: [(ctx, err) => ctx?.reportError(limitError(describe(foundIn(err.message))))] };
}

/** Refuses a document longer than the limit before the parser sees it. */
function characterLimit(max: number): Plugin {
  return {
    onParse({ params }) {
      const source = params.source;
      const length = typeof source === 'string' ? source.length : source.body.length;
      if (length > max) throw limitError(`the operation is ${length} characters long; the limit is ${max} (GRAPHQL_MAX_CHARACTERS)`);
    },
  };
}

export function operationLimitPlugins(limits: GraphqlLimits): Plugin[] {
  return [
    characterLimit(limits.maxCharacters),
    EnvelopArmorPlugin({
      maxTokens: {
        n: limits.maxTokens,
        onReject: [
          () => {
            throw limitError(`the operation has more than ${limits.maxTokens} tokens (GRAPHQL_MAX_TOKENS)`);
          },
        ],
      },
      maxDepth: {
        n: limits.maxDepth,
        ignoreIntrospection: true,
        flattenFragments: true,
        ...report((found) => `the operation is ${found} levels deep; the limit is ${limits.maxDepth} (GRAPHQL_MAX_DEPTH)`),
      },
      maxAliases: {
        n: limits.maxAliases,
        ...report((found) => `the operation uses ${found} aliases; the limit is ${limits.maxAliases} (GRAPHQL_MAX_ALIASES)`),
      },
      maxDirectives: {
        n: limits.maxDirectives,
        ...report((found) => `the operation uses ${found} directives; the limit is ${limits.maxDirectives} (GRAPHQL_MAX_DIRECTIVES)`),
      },
      costLimit: {
        maxCost: limits.maxCost,
        objectCost: 2,
        scalarCost: 1,
        depthCostFactor: 1.5,
        ignoreIntrospection: true,
        ...report((found) => `the operation costs ${found}; the limit is ${limits.maxCost} (GRAPHQL_MAX_COST)`),
      },
      blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
    }) as Plugin,
  ];
}
