/**
 * End to end: the built CLI (`node dist/cli.js --demo`) in a real terminal emulator (tmux), driven with
 * send-keys and checked on what the terminal shows (capture-pane), at 80x24 and at 160x48.
 * The terminal is test/helpers/tmux-terminal.ts.
 *
 * The first start of the demo may build its cache in ~/.cache/radtop (15-40 s); later starts take seconds.
 */
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	cell,
	CLI,
	durationSeconds,
	filterLine,
	FIRST_SCREEN_MS,
	firstScreenReady,
	PRELAUNCH,
	rightCell,
	statusLine,
	tableOf,
	Terminal,
	tmux,
	tmuxAvailable,
} from '../helpers/tmux-terminal.js';

/**
 * The cursor is on the newest session of a table shown from its first row (sorted by start ↓). The cursor stays on
 * its session, so on the live demo network sessions that began after it may stand above it: the status line
 * counts them, and each is younger than the session under the cursor.
 */
function expectCursorOnNewest(lines: string[]): void {
	const table = tableOf(lines)!;
	const cursor = table.rows.findIndex((row) => /^▸[A-Z ] /.test(row));
	expect(cursor, `a cursor row in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
	// The status line, or a message in its place for a while (Esc in the table says "search cleared").
	const status = lines.find((line) => /^(database: ok|search cleared) · /.test(line)) ?? '';
	expect(status).toMatch(new RegExp(`^(database: ok|search cleared) · ${cursor + 1} of [\\d,]+$`));
	const age = (row: string) => durationSeconds(rightCell(table.head, row, 'DURATION'));
	const cursorAge = age(table.rows[cursor]!);
	expect(cursorAge).toBeGreaterThanOrEqual(0);
	for (const row of table.rows.slice(0, cursor)) expect(age(row), row).toBeLessThanOrEqual(cursorAge);
}

describe('CLI is built', () => {
	it('dist/cli.js exists (run npm run build first)', () => {
		expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` before the end-to-end tests`).toBe(true);
	});
});

describe.skipIf(!tmuxAvailable)('console in tmux', () => {
	beforeAll(() => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
	});

	afterAll(() => {
		try {
			tmux('kill-server');
		} catch {
			// no server left
		}
	});

	describe('80x24', () => {
		const term = new Terminal('w80', 80, 24);
		let first: string[] = [];

		beforeAll(async () => {
			term.start();
			first = await term.waitFor(
				'the first screen with sessions',
				(lines, text) => firstScreenReady(lines, text) && lines,
				FIRST_SCREEN_MS,
			);
		}, FIRST_SCREEN_MS + 30_000);

		it('shows header, stats with NAS pills, column heads, a cursor row, status and key hints', () => {
			expect(first[0]).toMatch(/^radtop\s+demo/);
			expect(first[0]).toContain('? help');
			expect(first[1]).toMatch(/^[\d,]+ online · [\d,]+ users/);
			expect(first[1]).toMatch(/bng-\d [\d,]+/);
			expect(first[2]).toMatch(/^\/ search: \/\s+active · all NAS · start ↓/);
			// At 80 columns the time left (the demo reads radreply) and the sort column (START, newest first) take
			// the place of MAC and the traffic.
			expect(first[3]).toMatch(/^\s+USER\s+NAS\s+FRAMED IP\s+DURATION\s+REMAINING\s+START▼/);
			const table = tableOf(first)!;
			// The table starts right under the heads, and the cursor on the newest session.
			expect(table.rows[0]).toBe(first[4]);
			expectCursorOnNewest(first);
			const footer = first[22]!;
			for (const hint of ['↑↓ move', '/ search', 'n NAS', 's sort', '⏎ details', 'q quit']) expect(footer).toContain(hint);
			// Rows 5..21 are the 17 table rows: all filled on the demo network.
			expect(table.rows).toHaveLength(17);
			term.assertFits();
		});

		it('search: / and a username narrows the table, Enter keeps it, Esc clears it', async () => {
			const table = tableOf(first)!;
			// A username shown in full (not cut with …), from the first screen.
			// Prefer one that cannot be read as MAC digits (the search also matches MACs by their hex digits).
			const users = table.rows.map((row) => cell(table.head, row, 'USER')).filter((user) => user && !user.includes('…'));
			expect(users.length).toBeGreaterThan(0);
			const user = users.filter((name) => /[g-z]/i.test(name)).at(-1) ?? users.at(-1)!;
			const totalBefore = Number(/of ([\d,]+)/.exec(statusLine(first))![1]!.replace(/,/g, ''));
			term.keys('/');
			await term.waitFor(
				'the search prompt',
				(lines) => filterLine(lines).startsWith('/ ') && !filterLine(lines).includes('search: /'),
			);
			term.type(user);
			const narrowed = await term.waitFor(`rows matching ${user}`, (lines) => {
				const result = tableOf(lines);
				if (!result || result.rows.length === 0) return undefined;
				const every = result.rows.every((row) => cell(result.head, row, 'USER').toLowerCase().includes(user.toLowerCase()));
				const total = /of ([\d,]+)/.exec(statusLine(lines));
				return every && total && Number(total[1]!.replace(/,/g, '')) < totalBefore ? lines : undefined;
			});
			expect(filterLine(narrowed)).toContain(user);
			term.assertFits();
			term.keys('Enter');
			// The search is kept and no longer edited: the footer shows the table's keys again.
			const kept = await term.waitFor('the kept search in the filter bar and the table keys in the footer', (lines) =>
				filterLine(lines).startsWith(`/ ${user} `) && lines[22]!.includes('⏎ details') ? lines : undefined,
			);
			expect(tableOf(kept)!.rows.length).toBeLessThan(17);

			// Esc in the table clears the kept search (the MAC column, and a MAC search, are at 160 columns).
			term.keys('Escape');
			const cleared = await term.waitFor('the search cleared and the full table back', (lines) =>
				filterLine(lines).startsWith('/ search: /') && tableOf(lines)?.rows.length === 17 ? lines : undefined,
			);
			expectCursorOnNewest(cleared);
		}, 60_000);

		it('sort: s changes the sort label, S flips its arrow', async () => {
			const label = (lines: string[]) => /· ([a-zA-Z ]+) ([↑↓])\s*$/.exec(filterLine(lines).trimEnd());
			const before = label(term.capture())!;
			expect(before[1]).toBe('start');
			expect(before[2]).toBe('↓');
			term.keys('s');
			const next = await term.waitFor('a new sort label', (lines) => {
				const match = label(lines);
				return match && match[1] !== 'start' ? match : undefined;
			});
			term.keys('S');
			await term.waitFor('the sort arrow flipped', (lines) => {
				const match = label(lines);
				return match && match[1] === next[1] && match[2] !== next[2];
			});
			term.assertFits();
			// Back to start ↓ for the next tests.
			term.keys('<');
			await term.waitFor('start ↓ again', (lines) => {
				const match = label(lines);
				return match && match[1] === 'start' && match[2] === '↓' && tableOf(lines)?.rows.length === 17;
			});
		}, 60_000);

		it('NAS filter: n shows the picker with counts, Down + Enter filters on that NAS', async () => {
			term.keys('n');
			const picker = await term.waitFor('the NAS picker', (lines) =>
				lines.some((line) => line.includes('filter on a NAS')) ? lines : undefined,
			);
			const entries = picker.filter(
				(line) =>
					/^[ ●▸]*\S.*\s[\d,]+(?:\s+[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█])?\s*$/.test(line) &&
					!line.startsWith('radtop') &&
					/\d+\.\d+\.\d+\.\d+|all NAS/.test(line),
			);
			expect(entries.some((line) => /all NAS\s+[\d,]+/.test(line))).toBe(true);
			expect(entries.some((line) => /bng-\d+\s+10\.20\.0\.\d+\s+[\d,]+/.test(line))).toBe(true);
			term.assertFits();
			term.keys('Down');
			// The entry under the cursor after Down is the second one: the largest NAS.
			const nasEntry = entries[1]!;
			const nasName = nasEntry.trim().replace(/^●\s*/, '').split(/\s+/)[0]!;
			term.keys('Enter');
			const filtered = await term.waitFor(`the table filtered on ${nasName}`, (lines) => {
				if (!filterLine(lines).includes(`NAS ${nasName}`)) return undefined;
				const result = tableOf(lines);
				if (!result || result.rows.length === 0) return undefined;
				return result.rows.every((row) => {
					const shown = cell(result.head, row, 'NAS');
					return shown === nasName || (shown.endsWith('…') && nasName.startsWith(shown.slice(0, -1)));
				})
					? lines
					: undefined;
			});
			expect(tableOf(filtered)!.rows.length).toBeGreaterThan(0);
			term.assertFits();
			// Back to every NAS.
			term.keys('n');
			await term.waitFor('the NAS picker again', (lines) => lines.some((line) => line.includes('filter on a NAS')));
			term.keys('Up');
			term.keys('Enter');
			await term.waitFor('all NAS again', (lines) => filterLine(lines).includes('all NAS') && tableOf(lines)?.rows.length === 17);
		}, 60_000);

		it('Enter opens the details with radacct fields and previous sessions; Esc goes back', async () => {
			term.keys('Enter');
			await term.waitFor('the detail view', (lines, text) =>
				text.includes('acctsessionid') && text.includes('framedipaddress') ? lines : undefined,
			);
			// The subscriber's lines may push the previous sessions below the first page at 80x24: PgDn scrolls to
			// them (or, when they show, scrolls them).
			term.keys('PageDown');
			const detail = await term.waitFor('the previous sessions', (lines, text) =>
				/previous sessions(?! \(loading)/.test(text) ? lines : undefined,
			);
			expect(detail.join('\n')).toContain('Esc back');
			expect(detail.some((line) => /^\s+USER\s+NAS/.test(line))).toBe(false);
			term.assertFits();
			term.keys('Escape');
			await term.waitFor('the table again', (lines, text) => tableOf(lines) !== undefined && !text.includes('acctsessionid'));
		}, 60_000);

		it('? shows the keys, ? closes them', async () => {
			term.keys('?');
			await term.waitFor('the help', (lines, text) => (text.includes('cursor up') && text.includes('↑↓ 1-') ? lines : undefined));
			term.assertFits();
			// One binding a line at 80 columns: the rest is a scroll away, down to the minimum size (PgDn stops at the end).
			term.keys('PageDown', 'PageDown', 'PageDown', 'PageDown', 'PageDown');
			const help = await term.waitFor('the end of the help', (lines, text) =>
				text.includes('mask IPs') && text.includes('needs 60x12 at least') ? lines : undefined,
			);
			expect(help.join('\n')).toContain('quit');
			term.assertFits();
			term.keys('?');
			await term.waitFor('the table again', (lines, text) => tableOf(lines) !== undefined && !text.includes('cursor up'));
		}, 60_000);

		it('keys sent in one burst act in order: "/user" searches, "n ↓ ⏎" filters, Backspaces all count', async () => {
			const table = tableOf(term.capture())!;
			const user = table.rows
				.map((row) => cell(table.head, row, 'USER'))
				.find((name) => name && !name.includes('…') && /^[a-z]/i.test(name))!;
			// One write: the "/" and the text behind it (read before the search prompt is even drawn).
			term.type(`/${user}`);
			const searched = await term.waitFor(`the search for ${user}`, (lines) => {
				const result = tableOf(lines);
				return filterLine(lines).startsWith(`/ ${user}`) &&
					result &&
					result.rows.length > 0 &&
					result.rows.length < 17 &&
					result.rows.every((row) => cell(result.head, row, 'USER').toLowerCase().includes(user.toLowerCase()))
					? lines
					: undefined;
			});
			expect(searched.join('\n')).not.toContain('selected');
			// Backspaces in one burst each delete a character.
			term.keys(...Array.from({length: user.length}, () => 'BSpace'));
			await term.waitFor('an empty search', (lines) => filterLine(lines).startsWith('/ user, IP, MAC or scope:'));
			term.keys('Escape');
			await term.waitFor('the table keys again', (lines) => lines[22]!.includes('⏎ details') && tableOf(lines)?.rows.length === 17);
			// The NAS picker opened, moved and chosen from in one burst.
			term.keys('n', 'Down', 'Enter');
			const filtered = await term.waitFor('a NAS filter', (lines) =>
				/· NAS \S+ ·/.test(filterLine(lines)) && lines[22]!.includes('⏎ details') ? lines : undefined,
			);
			const nasName = /· NAS (\S+) ·/.exec(filterLine(filtered))![1]!;
			// Down from "all NAS" is the first NAS listed: the one with the most sessions, the first pill of the stats line.
			expect(nasName).toBe(/ {3}(\S+) [\d,]+/.exec(filtered[1]!)![1]);
			term.keys('n', 'Up', 'Enter');
			await term.waitFor('all NAS again', (lines) => filterLine(lines).includes('all NAS') && lines[22]!.includes('⏎ details'));
		}, 60_000);

		it('q quits: the process exits 0 and the shell gets its screen back', async () => {
			term.keys('q');
			const after = await term.waitFor('the exit', (lines, text) => (text.includes('EXITED:') ? lines : undefined));
			const text = after.join('\n');
			expect(text).toContain('EXITED:0');
			expect(text).toContain(PRELAUNCH);
			expect(text).not.toMatch(/USER\s+NAS\s+FRAMED IP/);
			expect(text).not.toContain('database: ok');
		}, 60_000);
	});

	describe('160x48', () => {
		const term = new Terminal('w160', 160, 48);
		let first: string[] = [];

		beforeAll(async () => {
			term.start();
			first = await term.waitFor(
				'the first screen with sessions',
				(lines, text) => firstScreenReady(lines, text) && lines,
				FIRST_SCREEN_MS,
			);
		}, FIRST_SCREEN_MS + 30_000);

		it('shows the open view with the subscriber columns, the sort column marked, fits the terminal, and the table fills the height', () => {
			const head = first[3]!;
			const titles = [
				'USER',
				'NAS',
				'FRAMED IP',
				'DURATION',
				'REMAINING',
				'PLAN',
				// The demo's billing query: its first column from the first frame.
				'FULL NAME',
				'MAC',
				'DOWN',
				'UP',
				'RATE↓',
				'START▼',
			];
			let from = 0;
			for (const title of titles) {
				const at = head.indexOf(title, from);
				expect(at, `${title} in ${head}`).toBeGreaterThanOrEqual(0);
				from = at + title.length;
			}
			expect(first[0]).toMatch(/^radtop/);
			expect(first[1]).toMatch(/online/);
			expect(first[1]).toMatch(/bng-1 [\d,]+ .*bng-2 [\d,]+/);
			expect(tableOf(first)!.rows[0]).toBe(first[4]);
			expectCursorOnNewest(first);
			expect(first[46]).toContain('q quit');
			// 48 rows: header, stats, filter, heads, 41 rows, status, footer, one spare.
			expect(tableOf(first)!.rows).toHaveLength(41);
			term.assertFits();
		});

		it("a MAC fragment (the last three octets of a row's MAC) narrows the table to those MACs, Esc clears it", async () => {
			const table = tableOf(first)!;
			const mac = cell(table.head, table.rows[0]!, 'MAC');
			const fragment = mac.replace(/[^0-9a-fA-F]/g, '').slice(-6);
			const fragmentText = `${fragment.slice(0, 2)}:${fragment.slice(2, 4)}:${fragment.slice(4, 6)}`;
			term.keys('/');
			await term.waitFor('the search prompt', (lines) => lines[46]!.includes('Esc clear search'));
			term.type(fragmentText);
			await term.waitFor(`rows whose MAC ends in ${fragmentText}`, (lines) => {
				const result = tableOf(lines);
				if (!result || result.rows.length === 0) return undefined;
				const digits = (row: string) =>
					cell(result.head, row, 'MAC')
						.replace(/[^0-9a-fA-F]/g, '')
						.toLowerCase();
				return result.rows.length < 41 && result.rows.every((row) => digits(row).includes(fragment.toLowerCase()));
			});
			term.keys('Escape');
			await term.waitFor('the search cleared and the full table back', (lines) => tableOf(lines)?.rows.length === 41);
		}, 60_000);

		it('details at 160 columns fit too, and q quits cleanly', async () => {
			term.keys('Enter');
			await term.waitFor(
				'the detail view',
				(_lines, text) => text.includes('acctsessionid') && /previous sessions(?! \(loading)/.test(text),
			);
			term.assertFits();
			term.keys('Escape');
			await term.waitFor('the table again', (lines) => tableOf(lines) !== undefined);
			term.keys('q');
			const after = await term.waitFor('the exit', (lines, text) => (text.includes('EXITED:') ? lines : undefined));
			expect(after.join('\n')).toContain('EXITED:0');
			expect(after.join('\n')).toContain(PRELAUNCH);
			expect(after.join('\n')).not.toContain('database: ok');
		}, 60_000);
	});
});
