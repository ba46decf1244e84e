/**
 * What the console shows of several sites: the SITE column (its width and cells, a stale site's rows marked) and
 * the header's per-site counts and state (how old each site's data is, its last error). Pure.
 */
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
 * refused ...)` and one never read as `west down: ...`; `narrowed` (`:site`) comes first as `site east:`.
 */
export function sitesHeaderText(sites: readonly SiteStatus[], now: number, narrowed?: string | null): string {
	const parts = sites.map((site) => {
		const count = site.openSessions === null ? '' : ` ${formatCount(site.openSessions)}`;
		if (!site.stale) return `${sanitize(site.name)}${count}`;
		const why = sanitize(site.error ?? 'no answer');
		if (site.dataAt === null) return `${sanitize(site.name)} down: ${why}`;
		const age = formatDuration(Math.max(0, Math.round((now - site.dataAt) / 1000)));
		return `${sanitize(site.name)}${count} (${age} old: ${why})`;
	});
	return `${narrowed ? `site ${sanitize(narrowed)}: ` : ''}${parts.join(' · ')}`;
}
