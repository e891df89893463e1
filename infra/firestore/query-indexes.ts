// Which Firestore indexes the code's queries need, read from the source with the TypeScript parser.
// The emulator serves every query without an index, so a query that needs a composite index only
// fails in production; test/unit/infra/firestore-indexes.test.ts compares what this finds with
// firestore.indexes.json.
//
// A query is a call chain that starts at `.collection('name')` or `.collectionGroup('name')` and
// holds `.where(...)` / `.orderBy(...)`. The start may sit behind a variable (`const q = db.collection(...)`,
// including later `q = q.where(...)`), a class field or a getter (`this.collection`). Any
// `.where`/`.orderBy` this cannot trace to a collection, or whose fields and operators are not
// literals, is reported as unattributed, so no query escapes the check silently.
//
// Firestore's rules (Standard edition, "Index types" and "Index merging" in its docs):
// - every field has single-field indexes (ascending, descending, array-contains) in collection
//   scope automatically; collection-group scope gets none unless configured;
// - equality filters (==, in, array-contains[-any]) on several fields are served by merging those
//   single-field indexes; a composite index serves them too, and better;
// - a query is ordered by its orderBy fields, then by the fields of its range/inequality filters
//   that no orderBy names (ascending, by field name), then by the document name in the direction of
//   the last; a composite index is needed as soon as that order has two fields, or one field next
//   to an equality filter on another: equality fields first (any order), then the order fields.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { z } from 'zod';

export type Scope = 'COLLECTION' | 'COLLECTION_GROUP';
export type Direction = 'ASCENDING' | 'DESCENDING';

export interface Filter {
  field: string;
  op: string;
}

export interface Order {
  field: string;
  direction: Direction;
}

export interface Query {
  /** Where the chain's first `.where`/`.orderBy` is, `file:line`. */
  at: string;
  collection: string;
  scope: Scope;
  filters: Filter[];
  orders: Order[];
}

export interface Unattributed {
  at: string;
  reason: string;
}

export interface IndexField {
  fieldPath: string;
  order?: Direction;
  arrayConfig?: 'CONTAINS';
}

export interface NeededIndex {
  collectionGroup: string;
  queryScope: Scope;
  /** The equality fields (alphabetical; any order serves), then the order fields. */
  fields: IndexField[];
  equalityCount: number;
  /** False when Firestore could merge single-field indexes instead; the composite is then optional. */
  required: boolean;
}

const indexFieldSchema = z.union([
  z.strictObject({ fieldPath: z.string().min(1), order: z.enum(['ASCENDING', 'DESCENDING']) }),
  z.strictObject({ fieldPath: z.string().min(1), arrayConfig: z.literal('CONTAINS') }),
]);

/** firestore.indexes.json, as `firebase deploy --only firestore:indexes` reads it. */
export const indexesFileSchema = z.strictObject({
  indexes: z.array(
    z.strictObject({
      collectionGroup: z.string().min(1),
      queryScope: z.enum(['COLLECTION', 'COLLECTION_GROUP']),
      fields: z.array(indexFieldSchema).min(2),
    }),
  ),
  fieldOverrides: z.array(
    z.strictObject({
      collectionGroup: z.string().min(1),
      fieldPath: z.string().min(1),
      /** A TTL policy on this field (firebase-tools deploys it with the indexes). */
      ttl: z.boolean().optional(),
      indexes: z.array(
        z.union([
          z.strictObject({ queryScope: z.enum(['COLLECTION', 'COLLECTION_GROUP']), order: z.enum(['ASCENDING', 'DESCENDING']) }),
          z.strictObject({ queryScope: z.enum(['COLLECTION', 'COLLECTION_GROUP']), arrayConfig: z.literal('CONTAINS') }),
        ]),
      ),
    }),
  ),
});
export type IndexesFile = z.infer<typeof indexesFileSchema>;

/** The document's name: `FieldPath.documentId()`. Every index ends with it implicitly. */
export const DOCUMENT_NAME = '__name__';

const EQUALITY = new Set(['==', 'in', 'array-contains', 'array-contains-any']);
const ARRAY = new Set(['array-contains', 'array-contains-any']);
const INEQUALITY = new Set(['<', '<=', '>', '>=', '!=', 'not-in']);

/** The queries in one source text (`file` names it in the results). */
export function queriesInSource(file: string, text: string): { queries: Query[]; unattributed: Unattributed[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const queries: Query[] = [];
  const unattributed: Unattributed[] = [];
  const tops = new Set<ts.CallExpression>();
  const visit = (node: ts.Node): void => {
    if (isQueryStep(node)) tops.add(chainTop(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const top of tops) {
    const name = (firstQueryStep(top).expression as ts.PropertyAccessExpression).name;
    const at = `${file}:${source.getLineAndCharacterOfPosition(name.getStart()).line + 1}`;
    try {
      const traced = trace(top, 0);
      queries.push({ at, collection: traced.collection, scope: traced.scope, filters: traced.filters, orders: traced.orders });
    } catch (error) {
      if (!(error instanceof CannotTrace)) throw error;
      unattributed.push({ at, reason: error.message });
    }
  }
  return { queries, unattributed };
}

/** The queries in every `.ts` file under the given folders of `root`. */
export function queriesInFolders(root: string, folders: string[]): { queries: Query[]; unattributed: Unattributed[] } {
  const all = { queries: [] as Query[], unattributed: [] as Unattributed[] };
  for (const folder of folders) {
    for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const path = join(entry.parentPath, entry.name);
      const found = queriesInSource(relative(root, path), readFileSync(path, 'utf8'));
      all.queries.push(...found.queries);
      all.unattributed.push(...found.unattributed);
    }
  }
  return all;
}

/** The index a query is best served by, or undefined when the automatic single-field ones do. */
export function neededIndex(query: Query): NeededIndex | undefined {
  const equalities = new Map<string, IndexField>();
  for (const filter of query.filters) {
    if (EQUALITY.has(filter.op) && filter.field !== DOCUMENT_NAME) {
      equalities.set(filter.field, ARRAY.has(filter.op) ? { fieldPath: filter.field, arrayConfig: 'CONTAINS' } : { fieldPath: filter.field, order: 'ASCENDING' });
    }
  }
  const order = effectiveOrder(query);
  const fieldCount = equalities.size + order.length;
  const singleFieldIsAutomatic = query.scope === 'COLLECTION';
  if (fieldCount === 0 || (fieldCount === 1 && singleFieldIsAutomatic)) return undefined;
  return {
    collectionGroup: query.collection,
    queryScope: query.scope,
    fields: [...[...equalities.values()].sort((a, b) => a.fieldPath.localeCompare(b.fieldPath)), ...order.map((o) => ({ fieldPath: o.field, order: o.direction }))],
    equalityCount: equalities.size,
    required: order.length >= 2 || (order.length === 1 && equalities.size > 0) || !singleFieldIsAutomatic,
  };
}

/**
 * The order the query's results come in, as the index must hold it: orderBy fields, then unordered
 * inequality fields, without fields fixed by `==` (ordering by them changes nothing) and without a
 * final document name in the direction the index already implies.
 */
function effectiveOrder(query: Query): Order[] {
  const fixed = new Set(query.filters.filter((f) => f.op === '==').map((f) => f.field));
  const order: Order[] = [];
  for (const o of query.orders) if (!order.some((seen) => seen.field === o.field)) order.push(o);
  const unordered = [...new Set(query.filters.filter((f) => INEQUALITY.has(f.op)).map((f) => f.field))]
    .filter((field) => !order.some((o) => o.field === field))
    .sort();
  for (const field of unordered) order.push({ field, direction: 'ASCENDING' });
  const effective = order.filter((o) => !fixed.has(o.field));
  const last = effective.at(-1);
  if (last?.field === DOCUMENT_NAME && (effective.at(-2)?.direction ?? 'ASCENDING') === last.direction) effective.pop();
  return effective;
}

/** Whether the indexes file lists an index that serves the need. */
export function isListed(need: NeededIndex, file: IndexesFile): boolean {
  const [only, ...more] = need.fields;
  if (only && more.length === 0) {
    // One field in collection-group scope: a field override turns that single-field index on.
    return file.fieldOverrides.some(
      (o) =>
        o.collectionGroup === need.collectionGroup &&
        o.fieldPath === only.fieldPath &&
        o.indexes.some(
          (i) =>
            i.queryScope === need.queryScope &&
            // An equality filter is served in either direction; an order only in its own.
            ('arrayConfig' in i ? only.arrayConfig === 'CONTAINS' : !only.arrayConfig && (need.equalityCount === 1 || i.order === only.order)),
        ),
    );
  }
  return file.indexes.some((index) => serves(need, index));
}

/** Whether a composite index serves the need. */
export function serves(need: NeededIndex, index: { collectionGroup: string; queryScope: string; fields: IndexField[] }): boolean {
  if (index.collectionGroup !== need.collectionGroup || index.queryScope !== need.queryScope) return false;
  const fields = [...index.fields];
  // An index may spell out the implicit final document name; it must then be in the implied direction.
  const tail = fields.at(-1);
  if (tail?.fieldPath === DOCUMENT_NAME && fields.length > need.fields.length) {
    const before = fields.at(-2)?.order ?? 'ASCENDING';
    if (tail.order !== before) return false;
    fields.pop();
  }
  if (fields.length !== need.fields.length) return false;
  const equality = need.fields.slice(0, need.equalityCount);
  const leading = fields.slice(0, need.equalityCount);
  const sameEquality = equality.every((want) =>
    leading.some((have) => have.fieldPath === want.fieldPath && (want.arrayConfig ? have.arrayConfig === 'CONTAINS' : have.order !== undefined)),
  );
  const sameOrder = need.fields
    .slice(need.equalityCount)
    .every((want, i) => fields[need.equalityCount + i]?.fieldPath === want.fieldPath && fields[need.equalityCount + i]?.order === want.order);
  return sameEquality && sameOrder;
}

class CannotTrace extends Error {}

interface Traced {
  collection: string;
  scope: Scope;
  filters: Filter[];
  orders: Order[];
}

function propertyCall(node: ts.Node): { name: string; receiver: ts.Expression; call: ts.CallExpression } | undefined {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  return { name: node.expression.name.text, receiver: node.expression.expression, call: node };
}

function isQueryStep(node: ts.Node): node is ts.CallExpression {
  const step = propertyCall(node);
  // `Filter.where(...)` builds a filter for a `.where(Filter...)`, which is reported there.
  if (step && ts.isIdentifier(step.receiver) && step.receiver.text === 'Filter') return false;
  return step?.name === 'where' || step?.name === 'orderBy';
}

/** The outermost call of the chain a call belongs to (`a.where(..).limit(1).get()` for the where). */
function chainTop(call: ts.CallExpression): ts.CallExpression {
  let top = call;
  while (ts.isPropertyAccessExpression(top.parent) && top.parent.expression === top && ts.isCallExpression(top.parent.parent) && top.parent.parent.expression === top.parent) {
    top = top.parent.parent;
  }
  return top;
}

function firstQueryStep(top: ts.CallExpression): ts.CallExpression {
  let first = top;
  for (let node: ts.Expression = top; ; ) {
    const step = propertyCall(node);
    if (!step) return first;
    if (step.name === 'where' || step.name === 'orderBy') first = step.call;
    node = step.receiver;
  }
}

/** Follows a chain down to its collection, collecting filters and orders (in source order). */
function trace(expression: ts.Expression, depth: number): Traced {
  if (depth > 20) throw new CannotTrace('the query is built through too many variables to follow');
  const { steps, base } = stepsOf(expression);
  const step = propertyCall(base);
  if (step && (step.name === 'collection' || step.name === 'collectionGroup')) {
    return applySteps({ collection: collectionId(step.call), scope: step.name === 'collection' ? 'COLLECTION' : 'COLLECTION_GROUP', filters: [], orders: [] }, steps);
  }
  if (ts.isIdentifier(base)) return applySteps(traceVariable(base, depth), steps);
  if (ts.isPropertyAccessExpression(base) && base.expression.kind === ts.SyntaxKind.ThisKeyword) return applySteps(traceMember(base, depth), steps);
  throw new CannotTrace(`cannot tell which collection \`${base.getText()}\` is`);
}

/** A chain's `.where`/`.orderBy` calls (in source order) and what the chain starts from. */
function stepsOf(expression: ts.Expression): { steps: ts.CallExpression[]; base: ts.Expression } {
  const steps: ts.CallExpression[] = [];
  let node = expression;
  for (;;) {
    while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
    const step = propertyCall(node);
    if (!step || step.name === 'collection' || step.name === 'collectionGroup') return { steps, base: node };
    if (step.name === 'where' || step.name === 'orderBy') steps.unshift(step.call);
    node = step.receiver;
  }
}

/**
 * A variable's query: its initializer, with every later refinement of it (`q = q.where(...)`)
 * applied at once, the strictest combination the code can reach.
 */
function traceVariable(identifier: ts.Identifier, depth: number): Traced {
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) {
    throw new CannotTrace(`\`${identifier.text}\` is a parameter or has no initial value: its collection is not known here`);
  }
  const traced = trace(declaration.initializer, depth + 1);
  const sameVariable = (target: ts.Expression) => ts.isIdentifier(target) && target.text === identifier.text;
  for (const value of assignedValues(declaration.parent.parent.parent, sameVariable)) {
    const refinement = stepsOf(value);
    if (!sameVariable(refinement.base)) throw new CannotTrace(`\`${identifier.text}\` is assigned another query later`);
    applySteps(traced, refinement.steps);
  }
  return traced;
}

/** A class member's collection: a field's initializer, a getter's return, or `this.x = ...` assignments. */
function traceMember(access: ts.PropertyAccessExpression, depth: number): Traced {
  const owner = enclosingClass(access);
  const name = access.name.text;
  const origins: ts.Expression[] = [];
  for (const member of owner?.members ?? []) {
    if (!member.name || !ts.isIdentifier(member.name) || member.name.text !== name) continue;
    if (ts.isPropertyDeclaration(member) && member.initializer) origins.push(member.initializer);
    if (ts.isGetAccessorDeclaration(member) && member.body) origins.push(...returnedExpressions(member.body));
  }
  if (owner) origins.push(...assignedValues(owner, (target) => ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword && target.name.text === name));
  const [first, ...others] = origins.map((origin) => trace(origin, depth + 1));
  if (!first || others.some((t) => t.collection !== first.collection || t.scope !== first.scope)) {
    throw new CannotTrace(`cannot tell which collection \`this.${name}\` is (it must be set to one collection)`);
  }
  for (const other of others) applyTraced(first, other);
  return first;
}

function applyTraced(into: Traced, from: Traced): void {
  into.filters.push(...from.filters);
  into.orders.push(...from.orders);
}

function applySteps(base: Traced, steps: ts.CallExpression[]): Traced {
  for (const call of steps) {
    const name = (call.expression as ts.PropertyAccessExpression).name.text;
    const [fieldArg, secondArg, thirdArg] = call.arguments;
    if (!fieldArg) throw new CannotTrace(`.${name}() without arguments`);
    if (name === 'where') {
      if (!secondArg || !thirdArg) throw new CannotTrace('.where(Filter...) composite filters are not analysed: write them as field, operator, value');
      base.filters.push({ field: fieldPathOf(fieldArg), op: literalText(secondArg, 'operator') });
    } else {
      const direction = secondArg ? literalText(secondArg, 'direction') : 'asc';
      if (direction !== 'asc' && direction !== 'desc') throw new CannotTrace(`orderBy direction "${direction}"`);
      base.orders.push({ field: fieldPathOf(fieldArg), direction: direction === 'asc' ? 'ASCENDING' : 'DESCENDING' });
    }
  }
  return base;
}

function collectionId(call: ts.CallExpression): string {
  const [arg] = call.arguments;
  if (!arg) throw new CannotTrace('.collection() without a name');
  // A path names the collection by its last segment (`a/b/c` is the collection `c`).
  return literalText(arg, 'collection name').split('/').at(-1) ?? '';
}

function fieldPathOf(arg: ts.Expression): string {
  if (ts.isCallExpression(arg) && arg.getText().replace(/\s/g, '') === 'FieldPath.documentId()') return DOCUMENT_NAME;
  if (ts.isNewExpression(arg) && arg.expression.getText() === 'FieldPath' && arg.arguments) {
    return arg.arguments.map((segment) => literalText(segment, 'field path segment')).join('.');
  }
  return literalText(arg, 'field path');
}

/** A string literal, directly or through a `const` in scope. */
function literalText(arg: ts.Expression, what: string): string {
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isIdentifier(arg)) {
    const declaration = declarationOf(arg.text, arg);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0) {
      return literalText(declaration.initializer, what);
    }
  }
  throw new CannotTrace(`the ${what} \`${arg.getText()}\` is not a literal`);
}

function assignedValues(scope: ts.Node, isTarget: (target: ts.Expression) => boolean): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && isTarget(node.left)) found.push(node.right);
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return found;
}

function returnedExpressions(body: ts.Block): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) if (ts.isClassLike(at)) return at;
  return undefined;
}

/** The nearest declaration of a name visible from a node: a variable or a parameter. */
function declarationOf(name: string, from: ts.Node): ts.VariableDeclaration | ts.ParameterDeclaration | undefined {
  for (let scope: ts.Node | undefined = from.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      const parameter = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (parameter) return parameter;
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        const found = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (found) return found;
      }
    }
  }
  return undefined;
}
