// Flat ESLint config, kept in scripts/ so the repository's top level stays as the product lays it out.
// `npm run lint` passes it with -c; ESLint then resolves paths from the working directory.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { noTfjsPlugin } from './eslint-no-tfjs.js';

// Folders only point down (docs/architecture.md): each may import the folders listed for it
// (and the leaf modules directly in src/), nothing above. train/ is the worker's side: it may use
// the contract in engine/, but the page (state/, ui/) never imports train/.
const MAY_IMPORT = {
  data: [],
  maskd: [],
  viz: [],
  models: ['data'],
  byo: ['models', 'data', 'maskd'],
  backends: ['maskd', 'models', 'data'],
  engine: ['backends', 'byo', 'maskd', 'models', 'data'],
  train: ['engine', 'backends', 'byo', 'maskd', 'models', 'data'],
  share: ['engine', 'backends', 'byo', 'maskd', 'models', 'data', 'viz'],
  state: ['share', 'engine', 'backends', 'byo', 'maskd', 'models', 'data', 'viz'],
  ui: ['state', 'share', 'engine', 'backends', 'byo', 'maskd', 'models', 'data', 'viz'],
};
const FOLDERS = Object.keys(MAY_IMPORT);
const layerZones = FOLDERS.flatMap((folder) =>
  FOLDERS.filter((other) => other !== folder && !MAY_IMPORT[folder].includes(other)).map((other) => ({
    target: `./src/${folder}`,
    from: `./src/${other}`,
    message: `src/${folder} sits below src/${other}: folders only import downwards (docs/architecture.md).`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'test-results/**', 'playwright-report/**', 'e2e/.artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Layering and cycles, on the app's own modules (tests may reach across to their fixtures).
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts', 'src/**/*.testkit.ts', 'src/**/testing/**'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    // The page's own bundle holds no TensorFlow.js (docs/architecture.md): training runs in the worker,
    // reached through engine/client.ts. Direct imports of @tensorflow/* are refused here, and
    // maskd/no-tfjs-reach follows every static import chain (e.g. ui → maskd/methods → maskd/index →
    // @tensorflow/tfjs). The tensor-free halves the page reads: maskd/methodInfo, maskd/tokenLayout,
    // backends/labels, backends/types. `npm run test:e2e` checks the built bundle too
    // (e2e/bundle.spec.ts, scripts/page-bundle.mjs).
    files: ['src/main.tsx', 'src/App.tsx', 'src/ui/**/*.{ts,tsx}', 'src/state/**/*.{ts,tsx}', 'src/share/**/*.ts', 'src/viz/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.testkit.ts', 'src/**/testing/**'],
    plugins: { maskd: noTfjsPlugin },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*'],
              allowTypeImports: false,
              message: "The page's bundle holds no TensorFlow.js (docs/architecture.md): tensors live in the worker (train/), reached through engine/client.ts.",
            },
          ],
        },
      ],
      'maskd/no-tfjs-reach': 'error',
    },
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', 'e2e/**/*.ts', 'vite.config.ts'],
    // scripts and e2e hold page.evaluate() callbacks too, which run in the browser.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
