// Imports every domain file (each registers its types on the builder) and builds the schema.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from '../builder.ts';
import './scalars.ts';
import './viewer.ts';
import './cluster.ts';
import './operator.ts';
import './audit.ts';
import './deployment.ts';
import './approval.ts';
import './crd.ts';
import './notification.ts';
import './health.ts';

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}

/** The SDL committed as schema.graphql. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}
