/**
 * Two sites' databases in one test: where this process writes to a site's radacct, and a fake CoA NAS that
 * closes the session it is asked to disconnect, as FreeRADIUS would on its Accounting-Stop.
 */
import type pg from 'pg';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getString} from '../../source/radius/packet.js';
import {startFakeCoaNas} from './fake-coa-nas.js';
import type {TestDatabase} from './test-database.js';

/** PGlite serves one socket connection, the site's own: this process writes to the PGlite instance itself. */
export function writer(db: TestDatabase): pg.Pool {
	return (db.pglite ?? db.pool) as unknown as pg.Pool;
}

/** A NAS that acknowledges and, as FreeRADIUS would on its Accounting-Stop, closes the session in its site's radacct. */
export function ackAndStop(db: () => TestDatabase, secret: string) {
	return startFakeCoaNas({
		secret,
		answer: (request) => {
			const id = request.packet ? getString(request.packet, 'Acct-Session-Id') : undefined;
			setTimeout(() => {
				void writer(db()).query(
					"UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'Admin-Reset' WHERE acctsessionid = $1",
					[id],
				);
			}, 20);
			return {code: PacketCode.DisconnectAck};
		},
	});
}
