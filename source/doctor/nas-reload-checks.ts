/**
 * Doctor's word on FreeRADIUS's nasreload (when each NAS last rebooted): read, empty, or skipped and why. The
 * console and the commands never show an error for it; this is where a missing or unreadable one is said. Pure.
 */
import type {NasReloads} from '../db/nas-reload-table.js';
import {formatCount} from '../sessions/format.js';
import {result, type CheckResult} from './check.js';

/** One check line; `nameOf` names a NAS by its IP for the most recent reload. */
export function nasReloadChecks(reloads: NasReloads, nameOf: (ip: string) => string): CheckResult[] {
	if (reloads.skipped !== null) {
		return [
			result(
				'table nasreload',
				'warn',
				`skipped: ${reloads.skipped}; sessions a rebooted NAS left open are not marked as ghost candidates (G)`,
				"FreeRADIUS records NAS reboots there when accounting-on's query is the nasreload one (queries.conf); " +
					'create it as schema.sql does and GRANT SELECT ON nasreload TO this role',
			),
		];
	}
	if (reloads.byIp.size === 0) {
		return [result('table nasreload', 'pass', 'present, no NAS has reloaded yet (FreeRADIUS writes it on Accounting-On and -Off)')];
	}
	const [latestIp, latestAt] = [...reloads.byIp].reduce((a, b) => (b[1] > a[1] ? b : a));
	const count = reloads.byIp.size;
	return [
		result(
			'table nasreload',
			'pass',
			`${formatCount(count)} NAS with a reload; the latest ${nameOf(latestIp)} at ${latestAt.toISOString()}`,
		),
	];
}
