/**
 * The gateway's layers point one way: http/ (and the routes) -> writes/ -> fabric/.
 * This test reads the import statements of every source module (with the
 * TypeScript parser, so comments and strings cannot fool it) and fails when a
 * module under writes/ or fabric/ imports from http/ or routes/, directly or
 * through the modules it loads at run time, or when fabric/ loads writes/ at
 * run time (a type, e.g. the database handle, may be named).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../src');

/** One import (or re-export, dynamic import, require) of a source module. */
interface Edge {
  /** Importing module, relative to src/. */
  from: string;
  /** Imported module, relative to src/ (without extension), for relative specifiers. */
  to?: string;
  /** The specifier as written. */
  spec: string;
  /** True when the import is erased at compile time (import type, or only type specifiers). */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function moduleId(file: string): string {
  return path.relative(SRC, file).replace(/\\/g, '/').replace(/\.ts$/, '');
}

function resolve(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return moduleId(candidate);
  }
  return moduleId(`${base}.ts`);
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((e) => e.isTypeOnly)
  );
}

/** Every import edge of a file. */
function importsOf(file: string): Edge[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    const to = resolve(file, spec);
    edges.push({ from: moduleId(file), spec, typeOnly, ...(to ? { to } : {}) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, isTypeOnlyExport(node));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) add(expr.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

const files = sourceFiles(SRC);
const graph = new Map<string, Edge[]>(files.map((f) => [moduleId(f), importsOf(f)]));

const inLayer = (id: string | undefined, layer: string) => id !== undefined && id.startsWith(`${layer}/`);
const lower = [...graph.keys()].filter((id) => inLayer(id, 'writes') || inLayer(id, 'fabric')).sort();
const upper = (id: string | undefined) => inLayer(id, 'http') || inLayer(id, 'routes');

/** The modules a module loads at run time, transitively, each with the chain that reaches it. */
function runtimeClosure(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const e of graph.get(id) ?? []) {
      if (e.typeOnly || !e.to || seen.has(e.to)) continue;
      seen.set(e.to, [...seen.get(id)!, e.to]);
      queue.push(e.to);
    }
  }
  return seen;
}

describe('gateway layers', () => {
  it('the scanner sees the layers and their imports', () => {
    expect(lower).toEqual(expect.arrayContaining(['writes/transactions', 'fabric/ledger']));
    expect(lower.length).toBeGreaterThanOrEqual(10);
    // sanity: the scanner does find imports of http/ where they belong
    expect(graph.get('app')!.some((e) => upper(e.to))).toBe(true);
    expect(graph.get('writes/transactions')!.some((e) => e.to === 'fabric/ledger')).toBe(true);
  });

  it('no module under writes/ or fabric/ imports from http/ or routes/', () => {
    const offending = lower.flatMap((id) =>
      graph
        .get(id)!
        .filter((e) => upper(e.to))
        .map((e) => `${e.from} imports ${e.spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('nor loads http/ or routes/ at run time through another module', () => {
    const offending = lower.flatMap((id) =>
      [...runtimeClosure(id).entries()].filter(([to]) => upper(to)).map(([, chain]) => chain.join(' -> ')),
    );
    expect(offending).toEqual([]);
  });

  it('fabric/ does not load writes/ at run time (it may name a type of it)', () => {
    const offending = lower
      .filter((id) => inLayer(id, 'fabric'))
      .flatMap((id) =>
        graph
          .get(id)!
          .filter((e) => !e.typeOnly && inLayer(e.to, 'writes'))
          .map((e) => `${e.from} imports ${e.spec}`),
      );
    expect(offending).toEqual([]);
  });

  it('the scanner catches a forbidden import', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    try {
      const file = path.join(tmp, 'probe.ts');
      fs.writeFileSync(
        file,
        "// import { x } from '../http/problem';\nimport type { A } from './a';\nimport { B } from '../http/route';\nconst s = \"import '../routes/x'\";\nexport { type C } from './c';\n",
      );
      const edges = importsOf(file);
      expect(edges.map((e) => [e.spec, e.typeOnly])).toEqual([
        ['./a', true],
        ['../http/route', false],
        ['./c', true],
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
