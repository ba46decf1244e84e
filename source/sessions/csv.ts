/** RFC 4180 CSV with a guard against spreadsheet formula injection. Pure. */

export interface CsvOptions {
	/**
	 * Neutralise fields a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR, as OWASP
	 * lists them, and NUL, as ASVS 1.2.10 adds) by prefixing a single quote. On by default.
	 */
	readonly formulaGuard?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r\0]/;

/** One field: quoted when it holds a comma, quote, CR or LF (quotes doubled), guarded when it could be a formula. */
export function csvField(value: string | number | null | undefined, options: CsvOptions = {}): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	// Numbers are written by us, never by a subscriber: only strings can carry a formula.
	if (typeof value === 'string' && (options.formulaGuard ?? true) && FORMULA_START.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, terminated by CRLF as RFC 4180 §2 specifies. */
export function csvRecord(values: ReadonlyArray<string | number | null | undefined>, options: CsvOptions = {}): string {
	return `${values.map((value) => csvField(value, options)).join(',')}\r\n`;
}
