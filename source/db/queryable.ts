/** What radtop needs of a PostgreSQL connection, and the conversions of the values it returns. */

/** What radtop's queries need of a connection: node-postgres's Pool and Client both fit. */
export interface Queryable {
	// pg types its rows as any; every value read from them goes through toNumber, toText or toDate below.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	query(text: string, values?: unknown[]): Promise<{rows: any[]}>;
}

/** A pg value as a nullable JS value. */
export function toNumber(value: unknown): number | null {
	if (value === null || value === undefined) return null;
	const n = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(n) ? n : null;
}

/** A pg value as a nullable JS value. */
export function toText(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	return typeof value === 'string' ? value : String(value);
}

/** A pg value as a nullable JS value. */
export function toDate(value: unknown): Date | null {
	if (value === null || value === undefined) return null;
	return value instanceof Date ? value : new Date(String(value));
}
