// Lint for radtop: typescript-eslint's recommended rules, React's hook rules, and the floors of source/.
import path from 'node:path';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The floors of source/, bottom first. A module may import from its own folder and from folders on lower
 * floors only; folders on one floor do not import each other. ARCHITECTURE.md says what each floor holds.
 */
export const FLOORS = [
	['net', 'values'],
	['terminal', 'radius', 'routeros'],
	['db'],
	['sessions'],
	['subscribers'],
	['nas'],
	['config'],
	['audit'],
	['disconnect'],
	['sweep', 'doctor', 'demo'],
	['ui'],
	['commands'],
	['main'],
	['cli'],
];

const floorOf = new Map(FLOORS.flatMap((folders, floor) => folders.map((folder) => [folder, floor])));
const sourceRoot = path.resolve('source');

/** The top-level entry of source/ that a file belongs to (its folder, or the file itself at the top). */
function topEntry(file) {
	const relative = path.relative(sourceRoot, file);
	if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
	return relative.split(path.sep)[0].replace(/\.(ts|tsx|js)$/, '');
}

const floorsRule = {
	meta: {
		type: 'problem',
		docs: {description: 'A source folder imports only from lower floors (see FLOORS in eslint.config.js).'},
		messages: {
			upward: '{{from}}/ (floor {{fromFloor}}) may not import {{to}}/ (floor {{toFloor}}): a folder imports only from lower floors.',
			sideways: '{{from}}/ and {{to}}/ share floor {{fromFloor}} and may not import each other.',
			unknown: '{{entry}} is on no floor: add it to FLOORS in eslint.config.js.',
		},
		schema: [],
	},
	create(context) {
		const from = topEntry(context.filename);
		if (from === undefined) return {};
		const fromFloor = floorOf.get(from);
		const check = (node) => {
			const specifier = node.source?.value;
			if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
			const to = topEntry(path.resolve(path.dirname(context.filename), specifier));
			if (to === undefined || to === from) return;
			const toFloor = floorOf.get(to);
			if (fromFloor === undefined || toFloor === undefined) {
				context.report({node, messageId: 'unknown', data: {entry: fromFloor === undefined ? from : to}});
				return;
			}
			if (toFloor > fromFloor) context.report({node, messageId: 'upward', data: {from, to, fromFloor, toFloor}});
			else if (toFloor === fromFloor) context.report({node, messageId: 'sideways', data: {from, to, fromFloor}});
		};
		return {ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check};
	},
};

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', '.bench-data/']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	reactHooks.configs.flat.recommended,
	{
		languageOptions: {
			globals: {
				process: 'readonly',
				console: 'readonly',
				Buffer: 'readonly',
				setTimeout: 'readonly',
				clearTimeout: 'readonly',
				setInterval: 'readonly',
				clearInterval: 'readonly',
				setImmediate: 'readonly',
				queueMicrotask: 'readonly',
				URL: 'readonly',
				AbortController: 'readonly',
				AbortSignal: 'readonly',
				performance: 'readonly',
				structuredClone: 'readonly',
				TextEncoder: 'readonly',
				TextDecoder: 'readonly',
				NodeJS: 'readonly',
			},
		},
		plugins: {radtop: {rules: {floors: floorsRule}}},
		rules: {
			'radtop/floors': 'error',
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
			'@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports'}],
		},
	},
	{
		files: ['test/**', 'bench/**'],
		rules: {'@typescript-eslint/no-non-null-assertion': 'off'},
	},
);
