/**
 * `radtop disconnect` and the NAS another radtop is disconnecting (disconnect/nas-claims.ts): who holds them, the
 * question whether to wait, the progress while waiting and what the engine said of a NAS it did not send to.
 */
import {createInterface} from 'node:readline/promises';
import type {Queryable} from '../db/queryable.js';
import {findClaimHolders, holderMessage, type ClaimNas} from '../disconnect/nas-claims.js';
import {sanitize} from '../terminal/sanitize.js';

/** The NAS of the plan's items, once each. */
function nasOf(items: readonly {readonly nas: ClaimNas}[]): ClaimNas[] {
	return [...new Map(items.map((item) => [item.nas.ip, item.nas])).values()];
}

/** One database's share of a plan: the NAS claims are in the database that site's radtop write to (its primary). */
export interface ClaimScope {
	readonly db: Queryable;
	readonly items: readonly {readonly nas: ClaimNas}[];
}

/**
 * When another radtop is disconnecting a NAS of the plan, says who and asks whether to wait for it or stop:
 * `free` when no NAS is claimed.
 */
export async function askAboutClaims(scopes: readonly ClaimScope[], stderr: NodeJS.WriteStream): Promise<'free' | 'wait' | 'stop'> {
	let claimed = false;
	for (const scope of scopes) {
		const nas = nasOf(scope.items);
		if (nas.length === 0) continue;
		const holders = await findClaimHolders(scope.db, nas);
		for (const entry of nas) {
			if (!holders.has(entry.ip)) continue;
			claimed = true;
			stderr.write(`radtop: ${sanitize(holderMessage(entry.name, holders.get(entry.ip)))}\n`);
		}
	}
	if (!claimed) return 'free';
	const prompt = createInterface({input: process.stdin, output: stderr});
	try {
		for (;;) {
			const answer = (await prompt.question('Wait until it is done, or stop? [w/s] ')).trim().toLowerCase();
			if (answer === 'w' || answer === 'wait') return 'wait';
			if (answer === 's' || answer === 'stop' || answer === '') return 'stop';
		}
	} finally {
		prompt.close();
	}
}

/** Progress while waiting for a claimed NAS: one line redrawn every try on a terminal, else a line every 15 tries. */
export function claimWaitReporter(stderr: NodeJS.WriteStream): (nas: ClaimNas, message: string) => void {
	const tries = new Map<string, number>();
	return (nas, message) => {
		// Keyed by name as well: over sites one IP can be a NAS at each.
		const key = `${nas.name} ${nas.ip}`;
		const count = (tries.get(key) ?? 0) + 1;
		tries.set(key, count);
		const line = `radtop: waiting: ${sanitize(message)}`;
		if (stderr.isTTY) stderr.write(`\r\x1b[K${line}`);
		else if (count % 15 === 1) stderr.write(`${line}\n`);
	};
}

/** What the engine said of each NAS it did not send to because another radtop held it, once per NAS. */
export function claimedMessages(
	results: readonly {readonly outcome: string; readonly nasName: string; readonly reason: string; readonly site?: string}[],
): string[] {
	const messages = new Map<string, string>();
	for (const entry of results) {
		if (entry.outcome === 'not_sent' && entry.reason.startsWith(`${entry.nasName} is being disconnected by `))
			messages.set(
				`${entry.site ?? ''} ${entry.nasName}`,
				entry.site === undefined ? entry.reason : `${entry.site}: ${entry.reason}`,
			);
	}
	return [...messages.values()];
}
