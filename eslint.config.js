import tseslint from 'typescript-eslint'

// Layers may only import inward: transport (api, cli) → domain → storage and channels.
const DOMAIN_FOLDERS = ['posts', 'auth', 'scheduler', 'accounts', 'ideas', 'channel-settings']

function forbidImports(patterns, message) {
  return { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] }
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/main.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings from the Config object; only src/config and src/main.ts read process.env.' }],
    },
  },
  {
    files: ['src/storage/**/*.ts', 'src/channels/**/*.ts'],
    rules: forbidImports(
      [...DOMAIN_FOLDERS, 'api', 'cli', 'web'].map((folder) => `**/${folder}/**`),
      'storage and channels sit below the domain: they must not import from domain or transport folders.',
    ),
  },
  {
    files: DOMAIN_FOLDERS.map((folder) => `src/${folder}/**/*.ts`),
    rules: forbidImports(['**/api/**', '**/cli/**', '**/web/**'], 'Domain code must not import from transport folders (api, cli, web).'),
  },
)
