/** What the executable does at the edge of the process, before a command runs: pure, so it is tested as data. */
import {urlHasPassword} from '../db/database-target.js';
import {sanitize} from '../terminal/sanitize.js';

/** True when a `--db URL` or `--db=URL` (or `--read-db`) before `--` carries a password. */
export function passwordInDbFlag(argv: readonly string[]): boolean {
	const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
	for (let index = 0; index < end; index++) {
		const token = argv[index]!;
		const flag = /^--(?:read-)?db(?==|$)/.exec(token)?.[0];
		const value = flag === undefined ? undefined : token === flag ? argv[index + 1] : token.slice(flag.length + 1);
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
