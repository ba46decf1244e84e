/** The text of each table cell for a session, sanitised and (optionally) masked. Pure. */
import {formatBytes, formatDuration, formatRate} from '../sessions/format.js';
import type {Session} from '../sessions/session.js';
import {sessionDurationSeconds, sessionState, type Rate, type SessionState} from '../sessions/session-math.js';
import {sanitize} from '../terminal/sanitize.js';
import type {ColumnId} from './layout.js';

export interface CellContext {
	/** The database's clock at the snapshot, for durations. */
	readonly now: Date;
	readonly rate?: Rate;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
}

/** 100.64.12.7 -> 100.64.x.x; IPv6 keeps its first two groups. */
export function maskIp(ip: string): string {
	if (ip.includes(':')) return `${ip.split(':').slice(0, 2).join(':')}:x:x`;
	const parts = ip.split('.');
	return parts.length === 4 ? `${parts[0]}.${parts[1]}.x.x` : 'x.x.x.x';
}

/** Keeps the vendor part (OUI) of a MAC and hides the rest, whatever the notation. */
export function maskMac(mac: string): string {
	let hidden = 0;
	const characters = [...mac];
	for (let index = characters.length - 1; index >= 0 && hidden < 6; index--) {
		if (/[0-9a-fA-F]/.test(characters[index]!)) {
			characters[index] = 'x';
			hidden += 1;
		}
	}
	return characters.join('');
}

function pad2(n: number): string {
	return String(n).padStart(2, '0');
}

/** "11-25 05:31:02" in local time; the table has no room for the year. */
export function shortTimestamp(date: Date | null): string {
	if (!date) return '-';
	return `${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

export function stateOf(session: Session, context: CellContext): SessionState {
	return sessionState(session, context.now, context.staleAfterSeconds);
}

export function cellText(column: ColumnId, session: Session, context: CellContext): string {
	switch (column) {
		case 'user':
			return sanitize(session.username) || '-';
		case 'nas':
			return sanitize(session.nasname ?? session.nasipaddress);
		case 'ip':
			return session.framedipaddress ? (context.masked ? maskIp(session.framedipaddress) : session.framedipaddress) : '-';
		case 'mac': {
			const mac = sanitize(session.callingstationid);
			return mac ? (context.masked ? maskMac(mac) : mac) : '-';
		}
		case 'sessionId':
			return sanitize(session.acctsessionid);
		case 'start':
			return shortTimestamp(session.acctstarttime);
		case 'duration': {
			const text = formatDuration(sessionDurationSeconds(session, context.now));
			return stateOf(session, context) === 'stale' ? `~${text}` : text;
		}
		case 'down':
			return formatBytes(session.acctoutputoctets);
		case 'up':
			return formatBytes(session.acctinputoctets);
		case 'rateDown':
			return session.acctstoptime ? '-' : formatRate(context.rate?.downKbps);
		case 'rateUp':
			return session.acctstoptime ? '-' : formatRate(context.rate?.upKbps);
		case 'status':
			return stateOf(session, context);
	}
}
