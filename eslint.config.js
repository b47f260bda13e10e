// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layering (docs/ARCHITECTURE.md): shared/ imports neither side; renderer/
 * never imports node:* or electron; electron/core/ never imports electron.
 */
const nodeBuiltins = ['node:*', 'fs', 'fs/promises', 'path', 'child_process', 'crypto', 'os', 'http', 'https', 'net', 'url', 'stream', 'worker_threads', 'util', 'events', 'module'];
const noNode = nodeBuiltins.map((name) => ({ group: [name], message: 'This layer must not depend on Node built-ins.' }));
const noElectron = [{ group: ['electron', 'electron/*'], message: 'Only electron/main, electron/preload and electron/host may import electron.' }];
const noElectronTree = [{ group: ['**/electron/**', '../electron/*', '../../electron/*'], message: 'This layer must not import from electron/.' }];
const noRenderer = [{ group: ['**/renderer/**', '../renderer/*', '../../renderer/*'], message: 'This layer must not import from renderer/.' }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...noNode, ...noElectron, ...noElectronTree, ...noRenderer] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [...noNode, ...noElectron, ...noElectronTree] }] },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...noElectron, ...noRenderer] }] },
  },
  {
    files: ['electron/cli.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...noElectron, ...noRenderer] }] },
  },
);
