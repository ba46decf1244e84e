import {describe, expect, it} from 'vitest';
import {foldWarning, passwordInDbFlag} from '../../source/commands/process-edge.js';

describe('passwordInDbFlag', () => {
	it.each([
		[['sessions', '--db', 'postgres://u:pw@h/db'], true],
		[['--db=postgres://u:pw@h/db'], true],
		[['--db', 'postgres://h/db?password=pw'], true],
		[['--db', 'postgres://u@h/db'], false],
		[['sessions', '--', '--db', 'postgres://u:pw@h/db'], false],
		[['--db'], false],
	])('%j -> %s', (argv, expected) => {
		expect(passwordInDbFlag(argv)).toBe(expected);
	});
});

describe('foldWarning', () => {
	it('drops deprecations: they concern radtop, not the operator', () => {
		const warning = new Error('pgpass support is deprecated and will be removed in pg@9.0. You can provide...');
		warning.name = 'DeprecationWarning';
		expect(foldWarning(warning)).toBeUndefined();
	});

	it('keeps the first sentence of another warning on one sanitised line', () => {
		const warning = new Error(
			"SECURITY WARNING: The SSL modes 'prefer' are aliases\nfor 'verify-full'.\n\nIn the next major version \x1b[2J...",
		);
		expect(foldWarning(warning)).toBe("radtop: SECURITY WARNING: The SSL modes 'prefer' are aliases for 'verify-full'.");
	});

	it('shows control characters of a warning visibly', () => {
		const line = foldWarning(new Error('bad \x1b]0;owned\x07 thing'))!;
		expect([...line].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
		expect(line.startsWith('radtop: bad ')).toBe(true);
	});
});
