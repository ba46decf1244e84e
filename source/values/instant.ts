/**
 * Instants typed as text, the same in `--from`/`--to`/`--at` and in a search's `at:`, `since:`, `until:`:
 * ISO 8601 with or without a zone (`2026-11-20T14:05Z`, `2026-11-20T14:05:30+01:00`), a date and time in the
 * operator's time zone (`2026-11-20 14:05`, `2026-11-20T14:05`), a date alone (local midnight), or an age
 * before now (`6h`, `2d`: that long ago). Pure.
 */
import {InvalidValueError, isDurationWithUnit, parseDuration} from './values.js';

/** From 1970 (no session is older) to the end of year 9999, in any zone. */
const EARLIEST = Date.UTC(1970, 0, 1) - 14 * 3_600_000;
const LATEST = Date.UTC(10_000, 0, 1) + 14 * 3_600_000;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** True when the day exists in that month (the Date parser rolls 2026-02-30 over into March). */
function isCalendarDate(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The instant `text` names; `name` (`--from`, `at:`) is what the error message calls it. */
export function parseInstant(text: string, name: string, now: Date): Date {
	const trimmed = text.trim();
	const outOfRange = new InvalidValueError(`${name} must be a date from 1970-01-01 to 9999-12-31`);
	if (isDurationWithUnit(trimmed)) {
		const ago = new Date(now.getTime() - parseDuration(trimmed, name) * 1000);
		if (ago.getTime() < EARLIEST) throw outOfRange;
		return ago;
	}
	const match = ISO.exec(trimmed);
	if (match && Number(match[1]) < 1970) throw outOfRange;
	if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
		throw new InvalidValueError(`${name} must be a date like 2026-11-24, 2026-11-24T08:00:00Z, or an age like 6h or 2d`);
	}
	const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
	if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
		throw new InvalidValueError(`${name} has no such time of day: ${hour}:${minute}:${second}`);
	}
	const milliseconds = Math.round(Number(`0${fraction || '.0'}`) * 1000);
	let time: number;
	if (zone === undefined) {
		// No zone: the operator's, as the clock on the wall says it.
		time = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), milliseconds).getTime();
	} else {
		const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), milliseconds);
		const offset = zone.toUpperCase() === 'Z' ? 0 : zoneMinutes(zone);
		time = utc - offset * 60_000;
	}
	if (Number.isNaN(time) || time < EARLIEST || time >= LATEST) throw outOfRange;
	return new Date(time);
}

function zoneMinutes(zone: string): number {
	const digits = zone.replace(':', '');
	const sign = digits.startsWith('-') ? -1 : 1;
	return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

/** `2026-11-20 14:05:00` in the operator's time zone, for messages that echo an instant back. */
export function formatLocalInstant(date: Date): string {
	const pad = (value: number) => String(value).padStart(2, '0');
	return (
		`${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
		`${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
	);
}
