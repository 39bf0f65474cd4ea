// viewer: who the token says the caller is.
import type { Principal } from '../../auth/principal.ts';
import { actorOf } from '../context.ts';
import { builder } from '../builder.ts';
import { EnvironmentEnum, RoleEnum } from './scalars.ts';

const Viewer = builder.objectRef<Principal>('Viewer').implement({
  description: 'The caller, as the verified token describes them.',
  fields: (t) => ({
    sub: t.exposeString('sub', { description: 'User id, recorded in audit, initiatedBy and approvedBy.' }),
    roles: t.field({ type: [RoleEnum], resolve: (p) => p.roles }),
    environments: t.field({ type: [EnvironmentEnum], description: 'Environments this ENVIRONMENT_OWNER may approve for.', resolve: (p) => p.environments }),
  }),
});

builder.queryField('viewer', (t) => t.field({ type: Viewer, authScopes: { read: true }, resolve: (_root, _args, ctx) => actorOf(ctx) }));
