/**
 * The grammar of the values radtop reads as text: durations, whole numbers, ports, booleans and choices, the
 * same whether typed as a command-line flag or as `radtop config set KEY VALUE`. Pure: each parser returns
 * the value or throws an InvalidValueError whose one-line message names what was being set (`--stale-after`,
 * `stale-after`); the commands turn it into a usage error.
 */

/** A value radtop will not take (a port out of range, an unknown vendor): the message names the flag or setting. */
export class InvalidValueError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidValueError';
	}
}

/** Seconds in each duration unit; no unit is seconds. */
const DURATION_UNITS: Readonly<Record<string, number>> = {s: 1, m: 60, h: 3600, d: 86_400, w: 604_800};

/** A duration as typed: digits, an optional decimal fraction, an optional unit (s, m, h, d, w). */
const DURATION = /^(\d+)(?:\.(\d+))?([smhdw]?)$/;

/** The longest duration radtop takes: 100 years (36500d). PostgreSQL's intervals and JavaScript's dates go far beyond. */
export const MAX_DURATION_SECONDS = 36_500 * 86_400;

/** True when the text is a duration with its unit ("6h", "1.5d"), as a flag taking an instant or an age reads it. */
export function isDurationWithUnit(text: string): boolean {
	const match = DURATION.exec(text.trim());
	return match !== null && match[3] !== '';
}

/** A bound as the messages spell it: whole days or hours when it is that, else seconds ("60s", "1h", "30d"). */
function formatBound(seconds: number): string {
	const text =
		seconds % 86_400 === 0 && seconds > 0
			? `${seconds / 86_400}d`
			: seconds % 3600 === 0 && seconds > 0
				? `${seconds / 3600}h`
				: `${seconds}s`;
	return seconds === MAX_DURATION_SECONDS ? `${text} (100 years)` : text;
}

/** Bounds of a duration, in seconds; `whole` refuses a duration that is not a whole number of seconds ("1.5s"). */
export interface DurationBounds {
	readonly min?: number;
	readonly max?: number;
	readonly whole?: boolean;
}

/**
 * "90", "90s", "15m", "1.5h", "3d", "1w" -> seconds, from `min` (default 0) to `max` (default 100 years).
 * Spaces around the text are ignored; a sign, an exponent or a space before the unit is not a duration.
 */
export function parseDuration(text: string, name: string, bounds: DurationBounds = {}): number {
	const {min = 0, max = MAX_DURATION_SECONDS, whole = false} = bounds;
	const match = DURATION.exec(text.trim());
	if (!match) throw new InvalidValueError(`${name} must be a duration like 90s, 30m, 2h or 7d`);
	const [, digits = '', fraction = '', unit] = match;
	const perUnit = DURATION_UNITS[unit || 's']!;
	// In whole digits, then scaled: 0.1m is 6 s, where 0.1 * 60 is 6.000000000000001.
	const exact = (Number(`${digits}${fraction}`) * perUnit) / 10 ** fraction.length;
	const seconds = Number.isFinite(exact) ? exact : Number(`${digits}.${fraction || '0'}`) * perUnit;
	if (seconds < min) throw new InvalidValueError(`${name} must be at least ${formatBound(min)}`);
	if (!(seconds <= max)) throw new InvalidValueError(`${name} must be at most ${formatBound(max)}`);
	if (whole && !Number.isInteger(seconds)) throw new InvalidValueError(`${name} must be a whole number of seconds, like 90s, 30m or 2h`);
	return seconds;
}

/**
 * A whole number from `min` to `max`: a number that is one, or plain decimal digits (spaces around them
 * aside). `Number()` would also take '', '0x10', '1e3', '+5' and '5.0'.
 */
export function parseWholeNumber(value: unknown, name: string, min: number, max: number): number {
	const text = typeof value === 'string' ? value.trim() : undefined;
	const n = typeof value === 'number' ? value : text !== undefined && /^\d+$/.test(text) ? Number(text) : Number.NaN;
	if (!Number.isInteger(n) || n < min || n > max) throw new InvalidValueError(`${name} must be a whole number from ${min} to ${max}`);
	return n;
}

/** A TCP or UDP port, 1 to 65535. */
export function parsePort(value: unknown, name: string): number {
	return parseWholeNumber(value, name, 1, 65_535);
}

const TRUE_WORDS: readonly string[] = ['true', 'yes', 'on', '1'];
const FALSE_WORDS: readonly string[] = ['false', 'no', 'off', '0'];

/** true/false, yes/no, on/off, 1/0, in any case. */
export function parseBoolean(text: string, name: string): boolean {
	const word = text.trim().toLowerCase();
	if (TRUE_WORDS.includes(word)) return true;
	if (FALSE_WORDS.includes(word)) return false;
	throw new InvalidValueError(`${name} must be true or false (also yes/no, on/off, 1/0)`);
}

/**
 * One of the allowed words, exactly; with `anyCase`, also in another case and with spaces around it. The
 * message lists the words and shows (the first 40 characters of) what it got.
 */
export function parseChoice<T extends string>(value: unknown, name: string, choices: readonly T[], options: {anyCase?: boolean} = {}): T {
	const text = String(value);
	const wanted = options.anyCase ? text.trim().toLowerCase() : text;
	const choice = choices.find((candidate) => (options.anyCase ? candidate.toLowerCase() : candidate) === wanted);
	if (choice === undefined) throw new InvalidValueError(`${name} must be one of ${choices.join(', ')} (got "${text.slice(0, 40)}")`);
	return choice;
}
