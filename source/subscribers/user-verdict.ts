/**
 * "Why can't this user connect": the one finding that explains it best, from what radtop read of the user.
 * Pure. Ranked: a reject rule, an expiry, recent rejects, online now (and at its Simultaneous-Use limit),
 * the last attempt accepted, no radcheck entry, a Login-Time restriction. Strings are left as the database
 * gave them; the line builders sanitise them.
 */
import {formatDuration} from '../sessions/format.js';
import type {UserReport} from './user-lookup.js';
import {isReject, type UserPair} from './user-sql.js';

export type FindingKind = 'reject-rule' | 'expired' | 'rejects' | 'online' | 'accepted' | 'no-radcheck' | 'login-time';

export interface Finding {
	readonly kind: FindingKind;
	readonly text: string;
	/** True when the finding may explain a failure to connect (online and accepted do not). */
	readonly failure: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `09:12` on the day of `now`, else `12-02 09:12`; `2026-11-01` for a date alone. */
export function shortTime(date: Date, now: Date, utc: boolean): string {
	const parts = (d: Date) =>
		utc
			? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
			: [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];
	const [y, mo, d, h, mi] = parts(date) as [number, number, number, number, number];
	const [ny, nmo, nd] = parts(now) as [number, number, number];
	if (y === ny && mo === nmo && d === nd) return `${pad(h)}:${pad(mi)}`;
	return y === ny ? `${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}` : `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}`;
}

/** How long ago, short: `42s`, `3m`, then as a duration (`2h14m`, `5d03h`). */
export function agoText(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	return formatDuration(s);
}

/** The day (and the time when not midnight) of an instant. */
export function dayOf(date: Date, utc: boolean): string {
	const [y, mo, d, h, mi] = utc
		? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()]
		: [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes()];
	return `${y}-${pad(mo)}-${pad(d)}${h === 0 && mi === 0 ? '' : ` ${pad(h)}:${pad(mi)}`}`;
}

/**
 * An Expiration value as rlm_expiration takes it ("01 Nov 2026", "Nov 1 2026 12:00:00", "1 November 2026"), or
 * an ISO 8601 date; null when it cannot be read.
 */
export function parseExpiration(value: string): Date | null {
	const text = value.trim();
	if (text === '' || text.length > 64) return null;
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
	if (iso) {
		const [, y, mo, d, h, mi, s] = iso;
		return new Date(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
	}
	if (!/[a-z]{3}/i.test(text) || !/\d{4}/.test(text)) return null;
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? null : new Date(parsed);
}

const named = (pairs: readonly UserPair[], attribute: string) =>
	pairs.filter((pair) => pair.attribute.toLowerCase() === attribute.toLowerCase());

const where = (pair: UserPair) => (pair.from === 'radcheck' ? 'in radcheck' : `in radgroupcheck (group ${pair.from})`);

function limitOf(report: UserReport): number | null {
	const pair = named(report.attributes.checks, 'Simultaneous-Use')[0] ?? named(report.attributes.groupChecks, 'Simultaneous-Use')[0];
	if (!pair || !/^\s*\d{1,6}\s*$/.test(pair.value)) return null;
	return Number(pair.value.trim());
}

/** Every finding, best first. */
export function findingsOf(report: UserReport, utc = false): Finding[] {
	const {attributes, now} = report;
	const checks = [...attributes.checks, ...attributes.groupChecks];
	const findings: Finding[] = [];
	const reject = named(checks, 'Auth-Type').find((pair) => /^reject$/i.test(pair.value.trim()) && !pair.op.startsWith('!'));
	if (reject)
		findings.push({
			kind: 'reject-rule',
			text: `rejected: Auth-Type ${reject.op} ${reject.value.trim()} ${where(reject)}`,
			failure: true,
		});
	for (const pair of named(checks, 'Expiration')) {
		const at = parseExpiration(pair.value);
		if (at && at.getTime() <= now.getTime()) {
			findings.push({kind: 'expired', text: `expired ${dayOf(at, utc)} (Expiration ${where(pair)})`, failure: true});
			break;
		}
	}
	const attempts = report.attempts ?? [];
	const rejected = attempts.findIndex((attempt) => !isReject(attempt));
	const rejects = rejected === -1 ? attempts.length : rejected;
	const latest = attempts[0];
	const ago = (at: Date | null) => (at ? `${agoText((now.getTime() - at.getTime()) / 1000)} ago` : 'when not recorded');
	if (latest && rejects > 0) {
		const message = latest.message ? `: ${latest.message}` : '';
		const count = rejects === 1 ? 'last attempt rejected' : `last ${rejects} attempts rejected`;
		findings.push({kind: 'rejects', text: `${count} (last ${ago(latest.at)})${message}`, failure: true});
	}
	const first = report.open[0];
	if (first) {
		const more = report.openCount > 1 ? ` (+${report.openCount - 1} more)` : '';
		const since = first.acctstarttime ? ` since ${shortTime(first.acctstarttime, now, utc)}` : '';
		const limit = limitOf(report);
		const full =
			limit === null || report.openCount < limit
				? ''
				: report.openCount > limit
					? ` · over its Simultaneous-Use ${limit}`
					: ` · Simultaneous-Use ${limit} reached`;
		findings.push({kind: 'online', text: `online on ${first.nasname ?? first.nasipaddress}${since}${more}${full}`, failure: false});
	} else if (latest && rejects === 0) {
		findings.push({kind: 'accepted', text: `offline; last attempt accepted (${ago(latest.at)})`, failure: false});
	}
	if (report.tables.has('radcheck') && attributes.checks.length === 0) {
		const known = attributes.groups.length > 0 || attributes.userReplies.length > 0;
		findings.push({
			kind: 'no-radcheck',
			text: known
				? "no radcheck entry: no check items in FreeRADIUS's SQL (another module may authenticate the user)"
				: "no radcheck entry: unknown to FreeRADIUS's SQL (another module may know the user)",
			failure: !first && !(latest && rejects === 0),
		});
	}
	const loginTime = named(checks, 'Login-Time')[0];
	if (loginTime)
		findings.push({
			kind: 'login-time',
			text: `logins only at Login-Time ${loginTime.value.trim()} (${where(loginTime).slice(3)})`,
			failure: true,
		});
	return findings;
}

/** True when nothing at all was found: no session, no attempt, no row in the authorisation tables. */
export function hasNoTrace(report: UserReport): boolean {
	const {attributes} = report;
	return (
		report.openCount === 0 &&
		report.history.length === 0 &&
		(report.attempts ?? []).length === 0 &&
		attributes.checks.length === 0 &&
		attributes.userReplies.length === 0 &&
		attributes.groups.length === 0
	);
}
