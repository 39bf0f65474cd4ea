// Validation rules that refuse abusive operations before they run: selection depth and
// the number of fields (aliases included). Introspection subtrees are not counted, so
// GraphiQL's schema query always passes.
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxFields: number;
}

interface Measure {
  depth: number;
  fields: number;
}

function measure(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): Measure {
  let depth = 0;
  let fields = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      fields += 1;
      if (sel.selectionSet) {
        const inner = measure(sel.selectionSet, fragments, seen);
        depth = Math.max(depth, inner.depth + 1);
        fields += inner.fields;
      } else depth = Math.max(depth, 1);
    } else {
      let inner: Measure | undefined;
      if (sel.kind === Kind.INLINE_FRAGMENT) inner = measure(sel.selectionSet, fragments, seen);
      else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // cycles are reported by NoFragmentCycles
        inner = measure(fragment.selectionSet, fragments, new Set(seen).add(name));
      }
      depth = Math.max(depth, inner.depth);
      fields += inner.fields;
    }
  }
  return { depth, fields };
}

export function operationLimitsRule(limits: OperationLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const fragments = new Map(
        context
          .getDocument()
          .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      const m = measure(node.selectionSet, fragments, new Set());
      if (m.depth > limits.maxDepth) {
        context.reportError(new GraphQLError(`operation is ${m.depth} levels deep; the limit is ${limits.maxDepth}`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
      }
      if (m.fields > limits.maxFields) {
        context.reportError(new GraphQLError(`operation selects ${m.fields} fields; the limit is ${limits.maxFields}`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
      }
    },
  });
}
