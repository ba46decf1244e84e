/**
 * Shared fixtures of the disconnect tests: sessions without a database, a bulk insert for the database-backed
 * ones, and a registry pointing NAS at loopback fakes.
 */
import type pg from 'pg';
import type {Session} from '../../source/sessions/session.js';
import {makeSession as makeSharedSession} from '../helpers/sessions.js';

/** A full open session with plausible values; `overrides` wins. */
export function makeSession(overrides: Partial<Session> = {}): Session {
	return makeSharedSession({
		acctsessionid: '81b00001',
		acctuniqueid: 'u-1',
		nasipaddress: '10.20.0.1',
		nasportid: 'vlan100',
		nasporttype: 'Ethernet',
		acctstarttime: new Date('2025-11-25T10:00:00Z'),
		acctupdatetime: new Date('2025-11-25T11:55:00Z'),
		acctinterval: 300,
		acctsessiontime: 7200,
		acctauthentic: 'RADIUS',
		acctinputoctets: 1000,
		acctoutputoctets: 2000,
		callingstationid: 'AA:BB:CC:00:00:01',
		servicetype: 'Framed-User',
		framedprotocol: 'PPP',
		framedipaddress: '100.64.0.1',
		...overrides,
	});
}

let batch = 0;

/**
 * Inserts `count` open sessions on `nasIp` in one statement: usernames `${prefix}N`, Acct-Session-Id
 * `${prefix}-sN`, framed IPs counting up from 100.64.0.1. Returns their radacctids in order.
 */
export async function insertBulk(db: pg.Pool, count: number, nasIp: string, prefix: string): Promise<string[]> {
	batch++;
	const {rows} = await db.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime,
			acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid, framedipaddress, nasporttype, servicetype, framedprotocol)
		SELECT $2 || '-s' || g, $2 || '-u' || g || '-' || $4, $2 || g, $1::inet, now() - interval '1 hour', now(),
			3600, 0, 0, 'AA:BB:CC:00:00:01', '100.64.0.0'::inet + g, 'Ethernet', 'Framed-User', 'PPP'
		FROM generate_series(1, $3::int) AS g ORDER BY g
		RETURNING radacctid::text AS id`,
		[nasIp, prefix, count, batch],
	);
	return (rows as Array<{id: string}>).map((row) => row.id).sort((a, b) => Number(a) - Number(b));
}
