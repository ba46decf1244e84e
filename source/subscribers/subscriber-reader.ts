/** Reads the subscriber context of the users in view: one statement per poll, over the tables the probe found. */
import type {Queryable} from '../db/queryable.js';
import {toNumber, toText} from '../db/queryable.js';
import {buildSubscriberQuery, EMPTY_CONTEXT, foldSubscriberRows, type SubscriberContext, type SubscriberRow} from './subscriber-sql.js';
import type {SubscriberTables} from './subscriber-tables.js';

export async function readSubscriberContexts(
	db: Queryable,
	tables: SubscriberTables,
	usernames: readonly string[],
): Promise<Map<string, SubscriberContext>> {
	const query = buildSubscriberQuery(usernames, tables.readable);
	if (!query) return new Map(usernames.map((name) => [name, EMPTY_CONTEXT]));
	const {rows} = await db.query(query.text, query.values);
	const folded: SubscriberRow[] = rows.map((row: Record<string, unknown>) => ({
		kind: String(row['kind']) as SubscriberRow['kind'],
		username: toText(row['username']),
		groupname: toText(row['groupname']),
		attribute: toText(row['attribute']),
		op: toText(row['op']),
		value: toText(row['value']),
		priority: toNumber(row['priority']),
		id: toNumber(row['id']) ?? 0,
	}));
	return foldSubscriberRows(usernames, folded);
}
