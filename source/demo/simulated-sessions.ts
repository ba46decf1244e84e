/**
 * A simulated NAS's sessions as radacct holds them: the columns read, the row turned into a session, and the
 * traffic a session has carried since its last update.
 */
import {createHash} from 'node:crypto';
import type {UpdateEvent} from './accounting.js';
import type {SimulatedSession} from './simulated-nas-types.js';

/** A row as the database client returns it. */
export type Row = Record<string, unknown>;

/** The columns of a session, for {@link toSession}. */
// Columns of a session; numbers as float8/int so both pg and PGlite hand back JS numbers.
export const SESSION_COLUMNS = `radacctid::text AS radacctid, acctsessionid, acctuniqueid, username, realm,
	host(framedipaddress) AS framedipaddress, callingstationid, calledstationid, nasportid, nasporttype, servicetype,
	framedprotocol, connectinfo_start,
	EXTRACT(EPOCH FROM acctstarttime)::float8 AS started,
	EXTRACT(EPOCH FROM COALESCE(acctupdatetime, acctstarttime))::float8 AS updated,
	COALESCE(acctinputoctets, 0)::float8 AS inputoctets, COALESCE(acctoutputoctets, 0)::float8 AS outputoctets`;

/**
 * A session's traffic profile, fixed by its acctuniqueid so the NAS need not remember it: a mean download rate
 * (log-uniform, 50 kbit/s to 40 Mbit/s) and the upload share of it.
 */
function trafficProfile(acctUniqueId: string): {downBps: number; upShare: number} {
	const hash = createHash('md5').update(acctUniqueId).digest();
	const a = hash.readUInt32BE(0) / 0x1_00_00_00_00;
	const b = hash.readUInt32BE(4) / 0x1_00_00_00_00;
	return {downBps: Math.exp(Math.log(50_000) + a * (Math.log(40_000_000) - Math.log(50_000))), upShare: 0.05 + b * 0.25};
}

/** The counters after `seconds` more of the session's traffic at `load` (a share of its mean rate). */
export function grownOctets(session: SimulatedSession, seconds: number, load: number): {input: number; output: number} {
	const {downBps, upShare} = trafficProfile(session.acctUniqueId);
	const down = Math.round((downBps * Math.max(0, seconds) * load) / 8);
	return {input: session.inputOctets + Math.round(down * upShare), output: session.outputOctets + down};
}

/** The session of a row read with {@link SESSION_COLUMNS}. */
export function toSession(row: Row): SimulatedSession {
	const text = (name: string): string | null => {
		const value = row[name];
		return value === null || value === undefined ? null : String(value);
	};
	const started = Number(row['started']);
	const updated = Number(row['updated']);
	return {
		radacctid: String(row['radacctid']),
		acctSessionId: text('acctsessionid') ?? '',
		acctUniqueId: text('acctuniqueid') ?? '',
		userName: text('username'),
		realm: text('realm'),
		framedIp: text('framedipaddress'),
		callingStationId: text('callingstationid'),
		calledStationId: text('calledstationid'),
		nasPortId: text('nasportid'),
		nasPortType: text('nasporttype'),
		serviceType: text('servicetype'),
		framedProtocol: text('framedprotocol'),
		connectInfo: text('connectinfo_start'),
		startedAt: Number.isFinite(started) ? started : updated,
		updatedAt: Number.isFinite(updated) ? updated : started,
		inputOctets: Number(row['inputoctets']) || 0,
		outputOctets: Number(row['outputoctets']) || 0,
	};
}

/** An interim update of the session at `now` (seconds) with these octet counters, as the NAS would send it. */
export function updateOf(session: SimulatedSession, now: number, octets: {input: number; output: number}): UpdateEvent {
	return {
		acctUniqueId: session.acctUniqueId,
		timestamp: now,
		sessionTime: Math.max(0, now - Math.floor(session.startedAt)),
		inputOctets: octets.input,
		outputOctets: octets.output,
		framedIpAddress: session.framedIp,
	};
}
