import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's own `#transport` import points at src/ under this condition (as `npm run example` does
  // for Node), so tests run the source, and on Node resolve it to the undici transport. The rest is
  // vitest's own default: Vite's, less `module` (which picks bundler-only builds Node cannot load).
  ssr: {
    resolve: {
      conditions: ['understudy-source', ...defaultServerConditions.filter((c) => c !== 'module')],
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/network-guard.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
