/**
 * End to end in tmux on a database of our own, at 80x24 and at 160x48: `h` opens the history view with the
 * network's chart and the cursor's NAS's under it, every line within the terminal and the last row empty; the
 * wider and taller terminal gets taller and wider charts; Esc goes back to the table.
 */
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

describe.skipIf(!tmuxAvailable)('the history view in the console', () => {
	const small = new Terminal('h80', 80, 24);
	const large = new Terminal('h160', 160, 48);
	let database: TestDatabase;

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		database = await createTestDatabase();
		const sessions = Array.from({length: 40}, (_, index) => ({
			username: `user${index}`,
			nasipaddress: `10.20.0.${1 + (index % 3)}`,
			startedAgo: 600 + index * 900,
			...(index % 4 === 0 ? {stoppedAgo: 300 + index * 300} : {}),
		}));
		await insertSessions((database.pglite ?? database.pool) as Parameters<typeof insertSessions>[0], sessions);
	}, 60_000);

	afterAll(async () => {
		for (const term of [small, large]) stop(term);
		await database?.close();
	});

	function stop(term: Terminal): void {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
	}

	/** One console at a time: the embedded database serves one connection. */
	async function start(term: Terminal): Promise<void> {
		term.start(['--db', database.url, '--interval', '2'], {}, {demo: false});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}

	/** The charts' y-axis lines (a count or nothing, then ┤) and the lines with an x-axis. */
	const axes = (lines: string[]) => ({
		rows: lines.filter((line) => /^ *[\d,]* ┤/.test(line)).length,
		times: lines.filter((line) => /^ *└[─\d:]+$/.test(line.trimEnd())),
	});

	it(
		'h at 80x24: the network and the cursor’s NAS, within the terminal; Esc back',
		async () => {
			await start(small);
			small.keys('h');
			const lines = await small.waitFor('the history, read', (lines, text) => text.includes('from radacct') && lines);
			small.assertFits();
			expect(lines[3]).toBe('online sessions, last 6 hours · ↑↓ NAS · r read again · Esc back');
			expect(lines[5]).toMatch(/^network {2}\d+ open · least \d+ · most \d+/);
			// No nas table here: the NAS is named by its IP.
			expect(lines.some((line) => /^10\.20\.0\.\d {2}\d+ open · least \d+ · most \d+/.test(line))).toBe(true);
			const {rows, times} = axes(lines);
			expect(rows).toBe(12);
			expect(times).toHaveLength(2);
			expect(times[0]).toMatch(/\d\d:\d\d/);
			small.keys('Escape');
			await small.waitFor(
				'the table again',
				(lines) => lines.some((line) => /^▸/.test(line)) && !lines.join('\n').includes('online sessions, last'),
			);
			stop(small);
		},
		FIRST_SCREEN_MS + 60_000,
	);

	it(
		'h at 160x48: taller charts across the width',
		async () => {
			await start(large);
			large.keys('h');
			const lines = await large.waitFor('the history, read', (lines, text) => text.includes('from radacct') && lines);
			large.assertFits();
			const {rows, times} = axes(lines);
			expect(rows).toBe(36);
			expect(times).toHaveLength(2);
			expect([...times[0]!.trimEnd()].length).toBe(159);
			stop(large);
		},
		FIRST_SCREEN_MS + 60_000,
	);
});
