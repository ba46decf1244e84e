/** The text of each table cell for a session, sanitised and (optionally) masked. Pure. */
import {formatBitRate, formatBytes, formatDuration} from '../sessions/format.js';
import type {Session} from '../sessions/session.js';
import type {SubscriberCellData} from '../sessions/session-columns.js';
import {
	averageRate,
	formatRemaining,
	sessionDurationSeconds,
	sessionState,
	type Rate,
	type SessionState,
} from '../sessions/session-math.js';
import {macVendor, shortVendorName} from '../net/oui-registry.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth} from '../terminal/text.js';
import type {PlacedTableColumn, TableColumnId} from './table-columns.js';

export interface CellContext {
	/** The database's clock at the snapshot, for durations. */
	readonly now: Date;
	readonly rate?: Rate;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
	/** The row's subscriber, as the last enrichment found it (absent until one answers). */
	readonly subscriber?: SubscriberCellData | undefined;
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

/** Marks a rate averaged since the session started (fewer than two interim updates seen yet). */
export const AVERAGE_MARK = '~';

/**
 * The rate a row shows: the one between the last two interim updates seen, else the average since start,
 * marked with `~`. A stopped session shows its average over its whole life.
 */
function rateText(session: Session, context: CellContext, direction: 'down' | 'up'): string {
	const current = session.acctstoptime ? undefined : context.rate;
	if (current) return formatBitRate(direction === 'down' ? current.downKbps : current.upKbps);
	const average = averageRate(session);
	if (!average) return '-';
	const text = formatBitRate(direction === 'down' ? average.downKbps : average.upKbps);
	return text === '-' ? text : `${AVERAGE_MARK}${text}`;
}

/**
 * An id too long for its cell, cut so what tells ids apart stays: leading zeros go first (accel-ppp pads
 * its ids), then the middle, keeping more of the tail than of the head.
 */
export function cutId(text: string, width: number): string {
	if (stringWidth(text) <= width) return text;
	// Only plain one-column text is cut by hand; anything else is cut at its end.
	if (width < 3 || stringWidth(text) !== [...text].length) return fit(text, width);
	const stripped = text.replace(/^0+(?=.)/, '');
	if (stripped.length + 1 <= width) return `…${stripped}`;
	const characters = [...stripped];
	const head = Math.floor((width - 1) / 3);
	const tail = width - 1 - head;
	return `${characters.slice(0, head).join('')}…${characters.slice(-tail).join('')}`;
}

/** Time left in fewer columns: `1h45m (44%)` without its share, `over by 12m` as `over 12m`. */
export function shortRemaining(text: string): string {
	return text.replace(/ \(\d+%\)$/, '').replace(/^over by /, 'over ');
}

/** A cell's text fitted to its column: cut at the end, or in the middle for ids, and padded. */
export function fitCell(text: string, column: PlacedTableColumn): string {
	if (column.id === 'remaining' && stringWidth(text) > column.width) return fit(shortRemaining(text), column.width, column.align);
	return fit(column.cut === 'middle' ? cutId(text, column.width) : text, column.width, column.align);
}

/**
 * The VENDOR cell: the vendor's short name, `random` for a locally administered MAC, `?` for a MAC the
 * registry does not list, `-` when the Calling-Station-Id is no MAC. The same when masked: the OUI is the
 * vendor's, not the subscriber's.
 */
export function vendorCell(callingStationId: string | null): string {
	const vendor = macVendor(callingStationId);
	switch (vendor.kind) {
		case 'registered':
			return sanitize(shortVendorName(vendor.name)) || '?';
		case 'random':
			return 'random';
		case 'unregistered':
			return '?';
		case 'none':
			return '-';
	}
}

/** `field`: the billing query's column, for a billing cell. */
export function cellText(column: TableColumnId, session: Session, context: CellContext, field?: string): string {
	switch (column) {
		case 'user':
			return sanitize(session.username) || '-';
		case 'nas':
			return sanitize(session.nasname ?? session.nasipaddress);
		case 'ip':
			return session.framedipaddress ? (context.masked ? maskIp(session.framedipaddress) : session.framedipaddress) : '-';
		case 'ipv6': {
			const value = session.framedipv6prefix ?? session.delegatedipv6prefix ?? session.framedipv6address;
			if (!value) return '-';
			if (!context.masked) return sanitize(value);
			const [address, length] = value.split('/');
			return `${maskIp(address!)}${length === undefined ? '' : `/${length}`}`;
		}
		case 'mac': {
			const mac = sanitize(session.callingstationid);
			return mac ? (context.masked ? maskMac(mac) : mac) : '-';
		}
		case 'vendor':
			return vendorCell(session.callingstationid);
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
			return rateText(session, context, 'down');
		case 'rateUp':
			return rateText(session, context, 'up');
		case 'status':
			return stateOf(session, context);
		case 'stop':
			return shortTimestamp(session.acctstoptime);
		case 'cause':
			return sanitize(session.acctterminatecause) || '-';
		case 'remaining':
			return formatRemaining(context.subscriber?.remaining ?? null) || '-';
		case 'plan':
			return sanitize(context.subscriber?.groups.join(', ') ?? '') || '-';
		case 'billing':
			return (field === undefined ? '' : sanitize(context.subscriber?.billing[field] ?? '')) || '-';
	}
}
