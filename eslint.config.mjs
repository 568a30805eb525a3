// Lint rules kept by `npm test` (npm run lint): typescript-eslint's recommended rules and no import cycles.
// Style is prettier's job (.prettierrc.json); which src/ folder may import which is test/architecture.test.ts's.
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', 'models/**', '.vscode-test/**', '.gpu/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-cycle': 'error',
    },
  },
  {
    // A function a reader takes in at once; longer ones are split into named parts (tests' describe blocks are exempt).
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
);
