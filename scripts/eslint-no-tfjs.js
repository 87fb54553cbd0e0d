// ESLint rule `maskd/no-tfjs-reach`: the page's modules (main.tsx, App.tsx, ui/, state/, share/,
// viz/) may not load TensorFlow.js, directly or through any chain of static imports
// (docs/architecture.md: "The page's bundle holds no TensorFlow.js"). For each value import of the
// linted file, it follows the imported module's own static imports (type-only ones are erased and
// skipped; import() is lazy and allowed) and reports the first chain that ends in @tensorflow/*,
// e.g. `../maskd/methods → ./index → @tensorflow/tfjs`. `no-restricted-imports` catches the direct
// case with a shorter message; this rule catches a tensor module two folders away.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

const TF = /^@tensorflow\//;
const CODE = /\.(?:[cm]?[jt]sx?)$/;
const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.tsx', '/index.js'];

/** A relative specifier resolved to a source file, or null (a query such as ?url, a non-code asset, missing). */
function resolveLocal(fromFile, spec) {
  if (spec.includes('?')) return null; // ?url, ?raw, ?worker: an address or a separate bundle, not this module graph
  for (const ext of EXTENSIONS) {
    const p = resolve(dirname(fromFile), spec + ext);
    try {
      if (statSync(p).isFile()) return CODE.test(p) ? p : null;
    } catch {
      /* try the next extension */
    }
  }
  return null;
}

const allTypes = (elements) => elements.length > 0 && elements.every((e) => e.isTypeOnly);

/** The specifiers a file imports or re-exports as values, statically. */
function valueSpecifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs = [];
  for (const st of source.statements) {
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.isTypeOnly) continue;
      if (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && allTypes(clause.namedBindings.elements)) continue;
      specs.push(st.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      if (st.isTypeOnly) continue;
      if (st.exportClause && ts.isNamedExports(st.exportClause) && allTypes(st.exportClause.elements)) continue;
      specs.push(st.moduleSpecifier.text);
    }
  }
  return specs;
}

const edgeCache = new Map(); // file -> { mtimeMs, edges: [{ spec, file|null }] }
function edges(file) {
  const mtimeMs = statSync(file).mtimeMs;
  const hit = edgeCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.edges;
  const list = valueSpecifiers(file).map((spec) => ({ spec, file: spec.startsWith('.') ? resolveLocal(file, spec) : null }));
  edgeCache.set(file, { mtimeMs, edges: list });
  return list;
}

/** The shortest chain of static imports from `start` to @tensorflow/*, as specifiers; null if none. */
export function chainToTensorflow(start) {
  const seen = new Set([start]);
  let frontier = [[start, []]];
  while (frontier.length) {
    const next = [];
    for (const [file, chain] of frontier) {
      for (const e of edges(file)) {
        if (TF.test(e.spec) && !e.spec.includes('?')) return [...chain, e.spec];
        if (e.file && !seen.has(e.file)) {
          seen.add(e.file);
          next.push([e.file, [...chain, relative(process.cwd(), e.file)]]);
        }
      }
    }
    frontier = next;
  }
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'The page may not load TensorFlow.js through any chain of static imports.' },
    schema: [],
    messages: {
      reach:
        "'{{spec}}' loads TensorFlow.js ({{chain}}): the page's bundle holds none (docs/architecture.md). Import a tensor-free module " +
        '(maskd/methodInfo, maskd/tokenLayout, backends/labels, backends/types), use import() for a lazy chunk, or `import type`.',
    },
  },
  create(context) {
    const file = context.filename;
    const check = (node, spec, typeOnly) => {
      if (typeOnly || !spec.startsWith('.')) return; // bare @tensorflow/*: no-restricted-imports says it
      const target = resolveLocal(file, spec);
      if (!target) return;
      const chain = chainToTensorflow(target);
      if (chain) context.report({ node, messageId: 'reach', data: { spec, chain: [relative(process.cwd(), target), ...chain].join(' → ') } });
    };
    const namedTypes = (specifiers) => specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
    return {
      ImportDeclaration(node) {
        const onlyNamed = node.specifiers.every((s) => s.type === 'ImportSpecifier');
        check(node, node.source.value, node.importKind === 'type' || (onlyNamed && namedTypes(node.specifiers)));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type' || namedTypes(node.specifiers));
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
    };
  },
};

export const noTfjsPlugin = { rules: { 'no-tfjs-reach': rule } };
