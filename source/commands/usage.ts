/** Flag checking shared by the commands: one clear line for each mistake, exit code 2. */
import {checkUrl, ConfigError} from '../db/database-target.js';
import {parseInstant as parseInstantValue} from '../values/instant.js';
import {InvalidValueError, parseChoice, parseDuration, parseWholeNumber, type DurationBounds} from '../values/values.js';

export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

/** Exit codes documented in --help and the README. */
export const EXIT = {ok: 0, failure: 1, usage: 2, partial: 3} as const;

/**
 * A command's help indented as meow prints it. meow shows help only when --help is the sole argument, so a
 * command with sub-commands prints it itself for `radtop nas add --help`.
 */
export function formatHelp(help: string): string {
	const lines = help.replace(/^\n+|\s+$/g, '').split('\n');
	return `\n${lines.map((line) => (line ? `  ${line}` : line)).join('\n')}\n`;
}

export interface FlagSpec {
	readonly type: 'string' | 'boolean' | 'number';
	readonly shortFlag?: string;
	readonly isMultiple?: boolean;
	readonly default?: string | boolean | number;
}

function kebab(name: string): string {
	return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Rejects, before meow sees them (meow would print two lines and exit, or exit 1, or guess): a flag the command
 * does not know; a flag that takes a value given none (`--limit` last, `-s` last, `--limit --json`); a flag that
 * takes one value given twice (`--limit 5 --limit 6`); a switch given a value other than true or false
 * (`--json=maybe`, which meow would read as false). Values after `--` are left alone.
 */
export function checkKnownFlags(argv: readonly string[], flags: Readonly<Record<string, FlagSpec>>, command: string): void {
	const long = new Map<string, FlagSpec>();
	const short = new Map<string, string>();
	for (const [name, spec] of Object.entries(flags)) {
		long.set(kebab(name), spec);
		if (spec.shortFlag) short.set(spec.shortFlag, kebab(name));
	}
	long.set('help', {type: 'boolean'});
	long.set('version', {type: 'boolean'});
	short.set('h', 'help');
	const see = ` (see radtop${command ? ` ${command}` : ''} --help)`;
	const given = new Set<string>();
	const once = (name: string) => {
		const spec = long.get(name)!;
		if (spec.type === 'boolean' || spec.isMultiple) return;
		if (given.has(name)) throw new UsageError(`--${name} given twice${see}`);
		given.add(name);
	};
	const needsValue = (value: string | undefined) => value === undefined || (value.startsWith('--') && value.length > 2);
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') break;
		if (token.startsWith('--')) {
			const [name = '', ...rest] = token.slice(2).split('=');
			const value = rest.length > 0 ? rest.join('=') : undefined;
			const negated = name.startsWith('no-') && !long.has(name);
			const spec = long.get(name) ?? (negated ? long.get(name.slice(3)) : undefined);
			if (!spec || (negated && spec.type !== 'boolean')) throw new UsageError(`unknown flag --${name}${see}`);
			if (spec.type === 'boolean') {
				// meow reads any other value as false: --json=maybe would quietly mean no JSON.
				if (value !== undefined && (negated || (value !== 'true' && value !== 'false'))) {
					throw new UsageError(`--${name} takes no value${negated ? '' : ` (or =true, =false)`}${see}`);
				}
				continue;
			}
			once(name);
			// meow drops an empty value of a repeatable flag (`--nas=`) as if the flag were not there: all instead of none.
			if (spec.isMultiple && value === '') throw new UsageError(`--${name} needs a value${see}`);
			if (value === undefined) {
				if (needsValue(argv[index + 1])) throw new UsageError(`--${name} needs a value${see}`);
				index += 1;
			}
		} else if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
			for (const letter of token.slice(1)) {
				if (!short.has(letter)) throw new UsageError(`unknown flag -${letter}${see}`);
			}
			const name = short.get(token.at(-1)!)!;
			if (long.get(name)!.type !== 'boolean') {
				once(name);
				if (needsValue(argv[index + 1])) throw new UsageError(`-${token.at(-1)} (--${name}) needs a value${see}`);
				index += 1;
			}
		}
	}
}

/** Runs a parser of config/values.ts; its InvalidValueError, which names the flag, becomes a usage error (exit 2). */
function flagValue<T>(parse: () => T): T {
	try {
		return parse();
	} catch (error) {
		if (error instanceof InvalidValueError) throw new UsageError(error.message);
		throw error;
	}
}

/** A whole number within bounds (plain decimal digits), or a usage error naming the flag. */
export function integerFlag(value: unknown, flag: string, min: number, max: number): number {
	return flagValue(() => parseWholeNumber(value, `--${flag}`, min, max));
}

/** One of the allowed words (exactly), or a usage error listing them. */
export function choiceFlag<T extends string>(value: unknown, flag: string, choices: readonly T[]): T {
	return flagValue(() => parseChoice(value, `--${flag}`, choices));
}

/** "90", "90s", "30m", "2h", "7d", "1w" -> seconds; shorter than `minimumSeconds` or longer than 100 years is a usage error. */
export function parseDurationSeconds(text: string, flag: string, minimumSeconds = 0): number {
	return flagValue(() => parseDuration(text, `--${flag}`, {min: minimumSeconds}));
}

/** A duration flag with the bounds of the setting it stands for (`--interval` as `config set interval`). */
export function durationFlag(value: unknown, flag: string, bounds: DurationBounds): number {
	return flagValue(() => parseDuration(String(value), `--${flag}`, bounds));
}

/**
 * An instant: ISO 8601 ("2026-11-24", "2026-11-24T08:00", with or without zone; a date alone is local
 * midnight), a date and time in the operator's zone ("2026-11-24 08:00"), or an age before `now` ("6h", "2d":
 * that long ago). Years 1970 to 9999 only. The grammar is values/instant.ts's, as in a search's `at:`.
 */
export function parseInstant(text: string, flag: string, now: Date): Date {
	return flagValue(() => parseInstantValue(text, `--${flag}`, now));
}

/**
 * The command among the arguments and the arguments without it. Flags before the command are the command's
 * (`radtop --db URL doctor --no-nas`): the first word not the value of a flag is the command; a flag's value is
 * known by `valueFlags` (the flags that take one before a command: the console's).
 */
export function splitCommand(
	argv: readonly string[],
	valueFlags: Readonly<Record<string, FlagSpec>>,
): {readonly command?: string; readonly rest: readonly string[]} {
	const takesValue = new Set(
		Object.entries(valueFlags)
			.filter(([, spec]) => spec.type !== 'boolean')
			.map(([name]) => kebab(name)),
	);
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') break;
		if (!token.startsWith('-') || token === '-') return {command: token, rest: [...argv.slice(0, index), ...argv.slice(index + 1)]};
		if (token.startsWith('--') && !token.includes('=') && takesValue.has(token.slice(2))) index += 1;
	}
	return {rest: argv};
}

/** The nearest of `words` to a mistyped one (at most two edits, or a prefix of at least three letters), if any. */
export function nearestWord(typed: string, words: readonly string[]): string | undefined {
	const lower = typed.toLowerCase();
	let best: {word: string; distance: number} | undefined;
	for (const word of words) {
		const distance = lower.length >= 3 && word.startsWith(lower) ? 1 : editDistance(lower, word);
		if (distance <= 2 && (!best || distance < best.distance)) best = {word, distance};
	}
	return best?.word;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
function editDistance(a: string, b: string): number {
	if (Math.abs(a.length - b.length) > 2) return 3;
	const rows: number[][] = Array.from({length: a.length + 1}, (_, i) =>
		Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
	);
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
			rows[i]![j] = value;
		}
	}
	return rows[a.length]![b.length]!;
}

/**
 * `--db`, checked before anything opens: empty, not a URL or not postgres:// is a usage error (exit 2), named
 * without its value (which may hold a password).
 */
export function checkDbFlag(flags: Record<string, unknown>): void {
	for (const [name, flag] of [
		['db', '--db'],
		['readDb', '--read-db'],
	] as const) {
		const db = flags[name];
		if (db === undefined) continue;
		if (typeof db !== 'string' || db.trim() === '') throw new UsageError(`${flag} needs a postgres:// URL`);
		try {
			checkUrl(db, flag);
		} catch (error) {
			if (error instanceof ConfigError) throw new UsageError(error.message);
			throw error;
		}
	}
	if (flags['readDb'] !== undefined && flags['demo'] === true) throw new UsageError('--read-db does not go with --demo');
}

/** The demo's sites, for --demo-site (demo/network.ts DEMO_SITES; named here so a usage error opens nothing). */
export const DEMO_SITE_NAMES = ['north', 'south'] as const;

/** `--demo-site NAME`: one of the demo's sites, and only with --demo. */
export function checkDemoSiteFlag(flags: Record<string, unknown>): void {
	const site = flags['demoSite'];
	if (site === undefined) return;
	if (flags['demo'] !== true) throw new UsageError('--demo-site goes with --demo');
	if (typeof site !== 'string' || !(DEMO_SITE_NAMES as readonly string[]).includes(site))
		throw new UsageError(`--demo-site: the demo's sites are ${DEMO_SITE_NAMES.join(' and ')}`);
}
