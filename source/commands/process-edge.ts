/** What the executable does at the edge of the process, before a command runs: pure, so it is tested as data. */
import {urlHasPassword} from '../db/database-target.js';
import {sanitize} from '../terminal/sanitize.js';

/** True when a `--db URL` or `--db=URL` before `--` carries a password. */
export function passwordInDbFlag(argv: readonly string[]): boolean {
	const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
	for (let index = 0; index < end; index++) {
		const token = argv[index]!;
		const value = token === '--db' ? argv[index + 1] : token.startsWith('--db=') ? token.slice(5) : undefined;
		if (value !== undefined && urlHasPassword(value)) return true;
	}
	return false;
}

/**
 * A process warning as one radtop line, or undefined to drop it: deprecations concern radtop's code, not
 * the operator. Only the first sentence of a long notice is kept, on one line, sanitised.
 */
export function foldWarning(warning: Error): string | undefined {
	if (warning.name === 'DeprecationWarning') return undefined;
	const text = warning.message.replace(/\s+/g, ' ').trim();
	const sentence = /^(.*?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
	return `radtop: ${sanitize(sentence.length > 200 ? `${sentence.slice(0, 199)}…` : sentence)}`;
}
