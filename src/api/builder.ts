// The Pothos builder: plugins and shared configuration, no types (those live in schema/).
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { ForbiddenError } from '../domain/errors.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type PrismaTypes from '../generated/pothos-types.ts';
import type { GraphQLContext } from './context.ts';

/** What each scope demands, in words for FORBIDDEN messages. */
const SCOPE_REQUIREMENT: Record<string, string> = {
  read: 'any role',
  operate: 'role ADMIN or OPERATOR',
  admin: 'role ADMIN',
  approve: 'role ADMIN or ENVIRONMENT_OWNER',
};

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: { read: boolean; operate: boolean; admin: boolean; approve: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number | bigint };
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => {
      const roles = ctx.principal.roles;
      return {
        read: roles.length > 0,
        operate: roles.includes('ADMIN') || roles.includes('OPERATOR'),
        admin: roles.includes('ADMIN'),
        approve: roles.includes('ADMIN') || roles.includes('ENVIRONMENT_OWNER'),
      };
    },
    unauthorizedError: (_parent, _ctx, info, result) => {
      const scopes = scopesIn(result.failure);
      const need = scopes.map((s) => SCOPE_REQUIREMENT[s] ?? s).join(' or ') || 'another role';
      return new ForbiddenError(`${info.parentType.name}.${info.fieldName} requires ${need}`);
    },
  },
  prisma: {
    client: (ctx): PrismaClient => ctx.services.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

function scopesIn(failure: unknown): string[] {
  const f = failure as { kind?: string; scope?: string; failures?: unknown[] };
  if (f?.scope) return [f.scope];
  return (f?.failures ?? []).flatMap(scopesIn);
}

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
