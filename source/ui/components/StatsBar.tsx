import {Text} from 'ink';
import {formatCount, formatDuration} from '../../sessions/format.js';
import type {SessionStats} from '../../sessions/session.js';
import {nasCountKey} from '../../sessions/session-key.js';
import {sanitize} from '../../terminal/sanitize.js';
import {stringWidth} from '../../terminal/text.js';
import {useTheme} from '../theme.js';
import {regionPills, type RegionCount} from '../region-choices.js';

/** A NAS pill's name: the NAS's, `site/name` when the counts come from several sites. */
function pillName(nas: {readonly nasname: string | null; readonly nasipaddress: string; readonly site?: string}): string {
	return sanitize(`${nas.site === undefined ? '' : `${nas.site}/`}${nas.nasname ?? nas.nasipaddress}`);
}

export interface StatsBarProps {
	readonly stats: SessionStats | null;
	/** The NAS filter in force (IP), highlighted among the pills. */
	readonly nas: string | null;
	/**
	 * A NAS kept first among the pills even with no open session left (shown with 0): the filtered one, or
	 * the one being disconnected, so its count can be watched falling to zero.
	 */
	readonly pinned?: {readonly ip: string; readonly name: string | null} | null;
	readonly width: number;
	/** The profile's regions with their counts, as pills before the NAS (region-choices.ts). */
	readonly regions?: readonly RegionCount[];
	/** A region's open sessions over the last hours as a short sparkline, drawn in its pill on wide terminals. */
	readonly regionTrend?: (region: RegionCount) => string;
}

/** From this width a region pill carries its sparkline: `[metro 1,961 ▃▄▅▆▇█]`. */
export const PILL_TRENDS_FROM = 140;

/**
 * The pills that fit after the totals: largest NAS first, the filtered one always shown, then "+N more".
 * Pure, exported for tests.
 */
export function fitPills(
	perNas: SessionStats['perNas'],
	selected: string | null,
	room: number,
): {shown: SessionStats['perNas']; more: number} {
	const ordered = [...perNas];
	const index = ordered.findIndex((nas) => nas.nasipaddress === selected);
	if (index > 0) ordered.unshift(...ordered.splice(index, 1));
	const shown: Array<SessionStats['perNas'][number]> = [];
	let used = 0;
	for (const [position, nas] of ordered.entries()) {
		const pill = `${pillName(nas)} ${formatCount(nas.sessions)} `;
		const remaining = ordered.length - position - 1;
		const reserve = remaining > 0 ? ` +${remaining} more`.length : 0;
		if (used + stringWidth(pill) + reserve > room) break;
		shown.push(nas);
		used += stringWidth(pill);
	}
	return {shown, more: ordered.length - shown.length};
}

/** Pills wanted before the totals give up their average duration: at 80 columns three NAS fit, not one. */
const PILLS_BEFORE_AVERAGE = 3;

/** The totals whole, and without the average duration. */
function statsTotals(stats: SessionStats): {full: string; short: string} {
	const stale = stats.staleSessions > 0 ? ` · ${formatCount(stats.staleSessions)} stale` : '';
	const counts = `${formatCount(stats.openSessions)} online · ${formatCount(stats.uniqueUsers)} users`;
	return {full: `${counts} · avg ${formatDuration(stats.averageDurationSeconds)}${stale}`, short: `${counts}${stale}`};
}

/**
 * With regions: the NAS pills as without them, but the first (the filtered or pinned NAS, else the largest)
 * is always kept, then the region pills in the room left; the totals whole unless dropping the average shows
 * more pills. Pure.
 */
export function statsLineWithRegions(
	stats: SessionStats,
	perNas: SessionStats['perNas'],
	selected: string | null,
	width: number,
	regions: readonly RegionCount[],
	trend?: (region: RegionCount) => string,
): {totals: string; regions: string; shown: SessionStats['perNas']; more: number} {
	const first = fitPills(perNas, selected, Number.POSITIVE_INFINITY).shown[0];
	const firstPill = first ? stringWidth(`${sanitize(first.nasname ?? first.nasipaddress)} ${formatCount(first.sessions)} `) : 0;
	const reserve = firstPill + (perNas.length > 1 ? ` +${perNas.length - 1} more`.length : 0);
	const layout = (totals: string) => {
		const room = width - stringWidth(totals) - 3;
		// One column between "+N more" and the first region pill.
		const pills = regionPills(regions, room - reserve - 1, trend);
		const nasRoom = room - (pills.text ? stringWidth(pills.text) + 1 : 0);
		const nas = fitPills(perNas, selected, nasRoom);
		// No NAS pill fits: "+N more" only where it fits too.
		const more = nas.shown.length === 0 && `+${nas.more} more`.length > nasRoom ? 0 : nas.more;
		// Pills shown, a region pill counting a little more (a tie goes to the regions).
		return {totals, regions: pills.text, shown: nas.shown, more, count: nas.shown.length + pills.shown * 1.1};
	};
	const {full, short} = statsTotals(stats);
	const whole = layout(full);
	const fitsWhole = whole.more === 0 && whole.regions.length > 0;
	const shorter = fitsWhole ? whole : layout(short);
	const better = shorter.count > whole.count || stringWidth(full) + 3 > width;
	const {count: _count, ...chosen} = better ? shorter : whole;
	return chosen;
}

/**
 * The totals and the pills that fit `width`: the totals whole when that leaves room for a few NAS (or every
 * NAS), else without the average duration (the least asked of them) so more NAS are seen. Pure.
 */
export function statsLine(
	stats: SessionStats,
	perNas: SessionStats['perNas'],
	selected: string | null,
	width: number,
): {totals: string; shown: SessionStats['perNas']; more: number} {
	const {full, short} = statsTotals(stats);
	const wanted = Math.min(PILLS_BEFORE_AVERAGE, perNas.length);
	let totals = full;
	let pills = fitPills(perNas, selected, Math.max(0, width - stringWidth(full) - 3));
	if (pills.shown.length < wanted) {
		const fewer = fitPills(perNas, selected, Math.max(0, width - stringWidth(short) - 3));
		if (fewer.shown.length > pills.shown.length) {
			totals = short;
			pills = fewer;
		}
	}
	return {totals, ...pills};
}

export function StatsBar(props: StatsBarProps) {
	const theme = useTheme();
	if (!props.stats) return <Text color={theme.muted}>loading sessions…</Text>;
	const stats = props.stats;
	const pinned = props.pinned;
	const perNas =
		pinned && !stats.perNas.some((nas) => nas.nasipaddress === pinned.ip)
			? [{nasipaddress: pinned.ip, nasname: pinned.name, sessions: 0, stale: 0}, ...stats.perNas]
			: stats.perNas;
	const selected = pinned?.ip ?? props.nas;
	const {totals, shown, more, regions} = props.regions?.length
		? statsLineWithRegions(
				stats,
				perNas,
				selected,
				props.width,
				props.regions,
				props.width >= PILL_TRENDS_FROM ? props.regionTrend : undefined,
			)
		: {...statsLine(stats, perNas, selected, props.width), regions: ''};
	return (
		<Text wrap="truncate-end">
			<Text bold>{totals}</Text>
			<Text>{'   '}</Text>
			{shown.map((nas) => {
				const active = nas.nasipaddress === props.nas;
				return (
					<Text key={nasCountKey(nas)} inverse={active} color={active ? theme.accent : undefined}>
						{pillName(nas)} <Text bold>{formatCount(nas.sessions)}</Text>{' '}
					</Text>
				);
			})}
			{more > 0 ? <Text color={theme.muted}>+{more} more</Text> : null}
			{regions ? <Text color={theme.accent}>{`${more > 0 ? ' ' : ''}${regions}`}</Text> : null}
		</Text>
	);
}
