/** Flag checking shared by the commands: one clear line for each mistake, exit code 2. */
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
 * Rejects flags the command does not know, before meow sees them (meow would print two lines and exit).
 * Values after `--` are left alone.
 */
export function checkKnownFlags(argv: readonly string[], flags: Readonly<Record<string, FlagSpec>>, command: string): void {
	const long = new Map<string, FlagSpec>();
	const short = new Set<string>();
	for (const [name, spec] of Object.entries(flags)) {
		long.set(kebab(name), spec);
		if (spec.shortFlag) short.add(spec.shortFlag);
	}
	long.set('help', {type: 'boolean'});
	long.set('version', {type: 'boolean'});
	short.add('h');
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') break;
		if (token.startsWith('--')) {
			const name = token.slice(2).split('=')[0]!;
			const spec = long.get(name) ?? (name.startsWith('no-') ? long.get(name.slice(3)) : undefined);
			if (!spec || (name.startsWith('no-') && !long.has(name) && spec.type !== 'boolean')) {
				throw new UsageError(`unknown flag --${name} (see radtop${command ? ` ${command}` : ''} --help)`);
			}
			// meow drops an empty value of a repeatable flag (`--nas=`) as if the flag were not there: all instead of none.
			if (spec.type === 'string' && spec.isMultiple && token === `--${name}=`) {
				throw new UsageError(`--${name} needs a value (see radtop${command ? ` ${command}` : ''} --help)`);
			}
			if (spec.type !== 'boolean' && !token.includes('=')) {
				const value = argv[index + 1];
				if (value === undefined || (value.startsWith('--') && value.length > 2)) {
					throw new UsageError(`--${name} needs a value (see radtop${command ? ` ${command}` : ''} --help)`);
				}
				index += 1;
			}
		} else if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
			for (const letter of token.slice(1)) {
				if (!short.has(letter)) throw new UsageError(`unknown flag -${letter} (see radtop${command ? ` ${command}` : ''} --help)`);
			}
			const spec = Object.values(flags).find((candidate) => candidate.shortFlag === token.at(-1));
			if (spec && spec.type !== 'boolean') index += 1;
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
