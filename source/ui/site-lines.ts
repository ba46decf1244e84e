/**
 * What the console shows of several sites: the SITE column (its width and cells, a stale site's rows marked), the
 * header's per-site counts and state (how old each site's data is, its last error, the lag of a site that reads a
 * standby) and the status line's warning of a standby behind. Pure.
 */
import {formatLag, lagExceeds, replicaBadge, type ReplicaState} from '../db/replica.js';
import {formatCount, formatDuration} from '../sessions/format.js';
import type {Session, SiteStatus} from '../sessions/session.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth} from '../terminal/text.js';

/** The SITE column's head. */
export const SITE_TITLE = 'SITE';

/** The SITE column's width (its gap after it included): the longest name, at least the head, at most 12. */
export function siteColumnWidth(names: readonly string[]): number {
	if (names.length === 0) return 0;
	// A stale site's cell carries a `~` before its name.
	const longest = Math.max(stringWidth(SITE_TITLE), ...names.map((name) => stringWidth(sanitize(name)) + 1));
	return Math.min(12, longest) + 1;
}

/** A row's SITE cell, `width` wide with its gap: the site's name, `~name` when what is shown of it is old. */
export function siteCell(session: Session, stale: boolean, width: number): string {
	if (width <= 0) return '';
	const name = sanitize(session.site ?? '') || '-';
	return `${fit(stale ? `~${name}` : name, width - 1)} `;
}

/** The sites whose data on screen is old (their last read failed or is late). */
export function staleSitesOf(sites: readonly SiteStatus[] | undefined): ReadonlySet<string> {
	return new Set((sites ?? []).filter((site) => site.stale).map((site) => site.name));
}

/**
 * The header's account of the sites: `east 2,341 · west 1,870`, a stale site as `west 1,870 (40s old: connection
 * refused ...)` and one never read as `west down: ...`; `narrowed` (`:site`) comes first as `site east:`. `lagOf`:
 * what follows a site's count while its data is fresh (its standby's lag), if anything.
 */
export function sitesHeaderText(
	sites: readonly SiteStatus[],
	now: number,
	narrowed?: string | null,
	lagOf?: (site: string) => string | undefined,
): string {
	const parts = sites.map((site) => {
		const count = site.openSessions === null ? '' : ` ${formatCount(site.openSessions)}`;
		if (!site.stale) {
			const lag = lagOf?.(site.name);
			return `${sanitize(site.name)}${count}${lag === undefined ? '' : ` ${lag}`}`;
		}
		const why = sanitize(site.error ?? 'no answer');
		if (site.dataAt === null) return `${sanitize(site.name)} down: ${why}`;
		const age = formatDuration(Math.max(0, Math.round((now - site.dataAt) / 1000)));
		return `${sanitize(site.name)}${count} (${age} old: ${why})`;
	});
	return `${narrowed ? `site ${sanitize(narrowed)}: ` : ''}${parts.join(' · ')}`;
}

/** The sites as the header shows them: its texts, longest first, and what of them takes the warning colour. */
export interface SitesHeader {
	/** The header shows the first that fits, else the last (Header.tsx databaseText). */
	readonly forms: readonly string[];
	/** The lag texts of the standbys behind more than the poll interval (`standby lag 42s`, `lag 42s`). */
	readonly warn: readonly string[];
}

/**
 * The header's account of the sites with the lag of each site that reads a standby, longest first, for the header
 * to show the first that fits: `south 1,198 standby lag 4s`, then `south 1,198 lag 4s`, then the lag only of the
 * sites behind more than the poll interval, then none. Without a standby, the one text of {@link sitesHeaderText}.
 */
export function sitesHeader(
	sites: readonly SiteStatus[],
	now: number,
	narrowed: string | null | undefined,
	replicas: ReadonlyMap<string, ReplicaState | null>,
	intervalSeconds: number,
): SitesHeader {
	const behind = (state: ReplicaState) => lagExceeds(state, intervalSeconds);
	const lagText = (prefix: string, only?: (state: ReplicaState) => boolean) => (name: string) => {
		const state = replicas.get(name);
		if (state?.role !== 'standby' || only?.(state) === false) return undefined;
		return `${prefix}${formatLag(state.lagSeconds)}`;
	};
	const forms = [lagText('standby lag '), lagText('lag '), lagText('lag ', behind), () => undefined].map((lagOf) =>
		sitesHeaderText(sites, now, narrowed, lagOf),
	);
	const warn = [...replicas.values()].flatMap((state) =>
		state?.role === 'standby' && behind(state)
			? [`standby lag ${formatLag(state.lagSeconds)}`, `lag ${formatLag(state.lagSeconds)}`]
			: [],
	);
	return {forms: [...new Set(forms)], warn: [...new Set(warn)]};
}

/**
 * The status line's warning when sites read standbys behind their primaries by more than the poll interval,
 * naming them first (the end of the line is what a narrow terminal cuts): one site as `site south: the standby is
 * 42s behind the primary, ...`, several as `sites north (42s), south (1m 3s): ...`. Null when none is.
 */
export function sitesReplicaStatus(replicas: ReadonlyMap<string, ReplicaState | null>, intervalSeconds: number): string | null {
	const behind = [...replicas].filter(
		(entry): entry is [string, ReplicaState] => entry[1] !== null && lagExceeds(entry[1], intervalSeconds),
	);
	const [first] = behind;
	if (first === undefined) return null;
	if (behind.length === 1) return `site ${sanitize(first[0])}: ${replicaBadge(first[1], intervalSeconds)?.status ?? ''}`;
	const lag = (state: ReplicaState) => (state.role === 'standby' ? formatLag(state.lagSeconds) : '?');
	const named = behind.map(([name, state]) => `${sanitize(name)} (${lag(state)})`).join(', ');
	return `sites ${named}: standbys behind their primaries by more than the ${intervalSeconds}s poll: sessions shown may be that old`;
}
