// Prints the GraphQL schema from the code into schema.graphql (npm run schema).
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/api/schema/index.ts';

writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
console.log('schema.graphql written');
