import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		// Database-backed suites share one server; files run in parallel, tests within a file in order.
		pool: 'forks',
		poolOptions: {forks: {maxForks: 2, minForks: 1}},
		reporters: ['default'],
	},
});
