/**
 * End to end in tmux (80x24) on a database of our own: a search for one address shows that session alone, not
 * the neighbours whose addresses start the same, and `A` previews exactly it, saying the filter in words.
 */
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {cell, CLI, FIRST_SCREEN_MS, firstScreenReady, STEP_MS, tableOf, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const footer = (lines: string[]) => lines[22] ?? '';

describe.skipIf(!tmuxAvailable)('searching an exact address in the console', () => {
	const term = new Terminal('s80', 80, 24);
	let database: TestDatabase;

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		database = await createTestDatabase();
		// PGlite serves one socket connection, which the console takes: this process writes to PGlite itself.
		await insertSessions((database.pglite ?? database.pool) as Parameters<typeof insertSessions>[0], [
			{username: 'anna.two', framedipaddress: '100.99.0.2'},
			{username: 'bert.twenty', framedipaddress: '100.99.0.20'},
			{username: 'carl.twentyone', framedipaddress: '100.99.0.21'},
			{username: 'dora.other', framedipaddress: '100.64.1.1'},
		]);
		term.start(['--db', database.url, '--interval', '1'], {}, {demo: false});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 30_000);

	afterAll(async () => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
		await database?.close();
	});

	it(
		'/100.99.0.2 shows one row, and A previews one session',
		async () => {
			expect(tableOf(term.capture())!.rows).toHaveLength(4);
			term.keys('/');
			await term.waitFor('the search prompt', (lines) => footer(lines).includes('Esc clear search'));
			term.type('100.99.0.2');
			term.keys('Enter');
			const found = await term.waitFor('one row', (lines) => {
				const table = tableOf(lines);
				return footer(lines).includes('d disconnect') && table !== undefined && table.rows.length === 1 && lines;
			});
			const table = tableOf(found)!;
			expect(cell(table.head, table.rows[0]!, 'USER')).toBe('anna.two');
			term.keys('A');
			const text = await term.waitFor(
				'the preview',
				// This NAS has no secret, so the preview ends by saying nothing can be sent (and asks for no confirmation).
				(_lines, text) => /Disconnect ALL \d/.test(text) && text.includes('nothing can be sent') && text.replace(/\n/g, ' '),
			);
			expect(text).toContain('framed IP is 100.99.0.2');
			expect(text).not.toContain('bert.twenty');
			expect(text).not.toContain('carl.twentyone');
			expect(text).toMatch(/Disconnect ALL 1 open session/);
			expect(text).toMatch(/anna\.two +100\.99\.0\.2 /);
			term.keys('Escape');
			await term.waitFor('back at the table', (lines) => footer(lines).includes('d disconnect'));
		},
		STEP_MS * 4,
	);
});
