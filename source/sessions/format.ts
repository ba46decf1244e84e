/** Human units for the terminal: bytes, durations, rates, timestamps. Pure. */

// Up to exbibytes: radacct's octet counters are bigint, whose maximum (2^63 - 1) is 8 EiB.
const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
const RATE_UNITS = ['k', 'M', 'G', 'T'];

/**
 * A non-negative value in at most 4 characters: whole numbers in the first unit, then one decimal below
 * 9.95 and none from there up. A value that would round to 1000 or more moves up a unit ("1000K" would
 * not fit: it shows as "1.0M"). Beyond what the last unit can show, '-'.
 */
function compact(value: number, base: number, units: readonly string[]): string {
	let scaled = value;
	let unit = 0;
	while (Math.round(scaled) >= 1000) {
		if (unit === units.length - 1) return '-';
		scaled /= base;
		unit += 1;
	}
	if (unit === 0) return `${Math.round(scaled)}${units[0]}`;
	return `${scaled < 9.95 ? scaled.toFixed(1) : Math.round(scaled)}${units[unit]}`;
}

/** 1536 -> "1.5K", 44_000_000_000 -> "41G" (binary multiples, at most 4 characters). */
export function formatBytes(bytes: number | null | undefined): string {
	if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '-';
	return compact(bytes, 1024, BYTE_UNITS);
}

/** Seconds as the two largest units: "42s", "5m07s", "2h14m", "5d03h". */
export function formatDuration(seconds: number | null | undefined): string {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
	const s = Math.floor(seconds);
	if (s < 60) return `${s}s`;
	const pad = (n: number) => String(n).padStart(2, '0');
	if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
	return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** kbit/s in at most 4 characters: "850k", "8.4M", "85M", "1.2G". */
export function formatRate(kbps: number | null | undefined): string {
	if (kbps === null || kbps === undefined || !Number.isFinite(kbps) || kbps < 0) return '-';
	if (kbps < 1) return '0';
	return compact(kbps, 1000, RATE_UNITS);
}

const BIT_RATE_UNITS = ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s'];

/** kbit/s as bit/s with its unit, the number in at most 4 characters: "850b/s", "8.4Mb/s", "1.2Gb/s". */
export function formatBitRate(kbps: number | null | undefined): string {
	if (kbps === null || kbps === undefined || !Number.isFinite(kbps) || kbps < 0) return '-';
	return compact(kbps * 1000, 1000, BIT_RATE_UNITS);
}

/** "2026-11-25 05:31:02" in local time, or in UTC when asked. */
export function formatTimestamp(date: Date | null | undefined, utc = false): string {
	if (!date) return '-';
	const pad = (n: number) => String(n).padStart(2, '0');
	const [y, mo, d, h, mi, s] = utc
		? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
		: [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
	return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** 3118 -> "3,118"; '-' for a non-finite number. */
export function formatCount(n: number): string {
	if (!Number.isFinite(n)) return '-';
	return Math.round(n).toLocaleString('en-US');
}
