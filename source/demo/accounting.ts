/**
 * Accounting writes as FreeRADIUS 3's stock PostgreSQL queries (`mods-config/sql/main/postgresql/queries.conf`)
 * perform them, for the demo network and the NAS simulator: Accounting-Start inserts the row
 * (ON CONFLICT on acctuniqueid refreshes the start), Interim-Update sets counters, acctsessiontime and
 * acctinterval (time since the previous update), Stop closes the row. The values are parameters (arrays,
 * so a batch of events is one statement); the column expressions are the ones FreeRADIUS uses.
 */
import type {Queryable} from '../db/queryable.js';

/** What a NAS reports in Accounting-Start. */
export interface StartEvent {
	readonly acctSessionId: string;
	readonly acctUniqueId: string;
	readonly userName: string;
	readonly realm: string | null;
	readonly nasIpAddress: string;
	readonly nasPortId: string;
	readonly nasPortType: string;
	/** Seconds since the epoch (FreeRADIUS's event_timestamp_epoch). */
	readonly timestamp: number;
	readonly connectInfo: string;
	readonly calledStationId: string;
	readonly callingStationId: string;
	readonly serviceType: string;
	readonly framedProtocol: string;
	readonly framedIpAddress: string | null;
}

/** What a NAS reports in Interim-Update (and, with a cause, in Stop). Octets include the Gigawords. */
export interface UpdateEvent {
	readonly acctUniqueId: string;
	readonly timestamp: number;
	readonly sessionTime: number;
	readonly inputOctets: number;
	readonly outputOctets: number;
	readonly framedIpAddress: string | null;
}

export interface StopEvent extends UpdateEvent {
	readonly terminateCause: string;
	readonly connectInfo: string;
}

const GIGAWORD = 2 ** 32;

function gigawords(octets: number): number {
	return Math.floor(octets / GIGAWORD);
}

function lowOctets(octets: number): number {
	return octets % GIGAWORD;
}

/** Accounting-Start for a batch of sessions. */
export async function recordStarts(db: Queryable, events: readonly StartEvent[]): Promise<void> {
	if (events.length === 0) return;
	const column = <K extends keyof StartEvent>(key: K) => events.map((event) => event[key]);
	await db.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype,
			acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctauthentic, connectinfo_start,
			connectinfo_stop, acctinputoctets, acctoutputoctets, calledstationid, callingstationid,
			acctterminatecause, servicetype, framedprotocol, framedipaddress)
		SELECT e.sid, e.uid, e.username, NULLIF(e.realm, ''), e.nas::inet, NULLIF(e.port, ''), e.porttype,
			TO_TIMESTAMP(e.ts), TO_TIMESTAMP(e.ts), NULL, 0, 'RADIUS', e.connectinfo,
			NULL, 0, 0, e.called, e.calling,
			NULL, e.service, e.protocol, NULLIF(e.ip, '')::inet
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::float8[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
			AS e(sid, uid, username, realm, nas, port, porttype, ts, connectinfo, called, calling, service, protocol, ip)
		ON CONFLICT (acctuniqueid) DO UPDATE SET
			acctstarttime = EXCLUDED.acctstarttime,
			acctupdatetime = EXCLUDED.acctupdatetime,
			connectinfo_start = EXCLUDED.connectinfo_start
		WHERE radacct.acctstoptime IS NULL`,
		[
			column('acctSessionId'),
			column('acctUniqueId'),
			column('userName'),
			events.map((event) => event.realm ?? ''),
			column('nasIpAddress'),
			column('nasPortId'),
			column('nasPortType'),
			column('timestamp'),
			column('connectInfo'),
			column('calledStationId'),
			column('callingStationId'),
			column('serviceType'),
			column('framedProtocol'),
			events.map((event) => event.framedIpAddress ?? ''),
		],
	);
}

function updateArrays(events: readonly UpdateEvent[]): unknown[] {
	return [
		events.map((event) => event.acctUniqueId),
		events.map((event) => event.timestamp),
		events.map((event) => event.sessionTime),
		events.map((event) => gigawords(event.inputOctets)),
		events.map((event) => lowOctets(event.inputOctets)),
		events.map((event) => gigawords(event.outputOctets)),
		events.map((event) => lowOctets(event.outputOctets)),
		events.map((event) => event.framedIpAddress ?? ''),
	];
}

const UPDATE_ARRAYS = '$1::text[], $2::float8[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[]';
const UPDATE_FIELDS = 'uid, ts, sessiontime, ingw, inoct, outgw, outoct, ip';

/** Interim-Update for a batch of open sessions; closed rows are left alone, as FreeRADIUS does. */
export async function recordInterims(db: Queryable, events: readonly UpdateEvent[]): Promise<void> {
	if (events.length === 0) return;
	await db.query(
		`UPDATE radacct SET
			framedipaddress = NULLIF(e.ip, '')::inet,
			acctsessiontime = e.sessiontime,
			acctinterval = (e.ts - EXTRACT(EPOCH FROM (COALESCE(radacct.acctupdatetime, radacct.acctstarttime)))),
			acctupdatetime = TO_TIMESTAMP(e.ts),
			acctinputoctets = ((e.ingw << 32) + e.inoct),
			acctoutputoctets = ((e.outgw << 32) + e.outoct)
		FROM unnest(${UPDATE_ARRAYS}) AS e(${UPDATE_FIELDS})
		WHERE radacct.acctuniqueid = e.uid AND radacct.acctstoptime IS NULL`,
		updateArrays(events),
	);
}

/** Accounting-Stop for a batch of sessions. */
export async function recordStops(db: Queryable, events: readonly StopEvent[]): Promise<void> {
	if (events.length === 0) return;
	await db.query(
		`UPDATE radacct SET
			acctstoptime = TO_TIMESTAMP(e.ts),
			acctupdatetime = TO_TIMESTAMP(e.ts),
			acctsessiontime = COALESCE(e.sessiontime, (e.ts - EXTRACT(EPOCH FROM (radacct.acctstarttime)))),
			acctinputoctets = ((e.ingw << 32) + e.inoct),
			acctoutputoctets = ((e.outgw << 32) + e.outoct),
			acctterminatecause = e.cause,
			framedipaddress = NULLIF(e.ip, '')::inet,
			connectinfo_stop = e.connectinfo
		FROM unnest(${UPDATE_ARRAYS}, $9::text[], $10::text[]) AS e(${UPDATE_FIELDS}, cause, connectinfo)
		WHERE radacct.acctuniqueid = e.uid AND radacct.acctstoptime IS NULL`,
		[...updateArrays(events), events.map((event) => event.terminateCause), events.map((event) => event.connectInfo)],
	);
}
