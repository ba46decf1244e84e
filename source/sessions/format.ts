/** Human units for the terminal: bytes, durations, rates, timestamps. Pure. */

const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 -> "1.5K", 44_000_000_000 -> "41G" (binary multiples, at most 4 characters). */
export function formatBytes(bytes: number | null | undefined): string {
	if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
	if (bytes < 1024) return `${Math.max(0, Math.round(bytes))}B`;
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
		value /= 1024;
		unit += 1;
	}
	const text = value < 10 ? value.toFixed(1) : String(Math.round(value));
	// 1023.6K rounds to "1024K": step up instead.
	if (text === '1024' && unit < BYTE_UNITS.length - 1) return `1.0${BYTE_UNITS[unit + 1]}`;
	return `${text}${BYTE_UNITS[unit]}`;
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

/** kbit/s in the unit that keeps 3 significant figures: "850k", "8.4M", "1.2G". */
export function formatRate(kbps: number | null | undefined): string {
	if (kbps === null || kbps === undefined || !Number.isFinite(kbps) || kbps < 0) return '-';
	if (kbps < 1) return '0';
	if (kbps < 1000) return `${Math.round(kbps)}k`;
	const mbps = kbps / 1000;
	if (mbps < 1000) return `${mbps < 10 ? mbps.toFixed(1) : Math.round(mbps)}M`;
	const gbps = mbps / 1000;
	return `${gbps < 10 ? gbps.toFixed(1) : Math.round(gbps)}G`;
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

/** 3118 -> "3,118". */
export function formatCount(n: number): string {
	return Math.round(n).toLocaleString('en-US');
}
