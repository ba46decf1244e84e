/**
 * End to end: disconnecting from the console's keys on the demo network, in a real terminal (tmux, 80x24),
 * as a newcomer would: the demo's simulated NAS answer the Disconnect-Requests and write the Accounting-Stops.
 * The audit log goes to a throwaway XDG_STATE_HOME and is read back.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cell, CLI, FIRST_SCREEN_MS, firstScreenReady, rightCell, tableOf, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const ACTION_MS = 60_000;
const statsLine = (lines: string[]) => lines[1] ?? '';
const footer = (lines: string[]) => lines[22] ?? '';
/** The screen as one line: the results summary wraps at 80 columns. */
const flat = (text: string) => text.replace(/\n/g, ' ');

describe.skipIf(!tmuxAvailable)('disconnecting from the console in tmux, 80x24, on the demo', () => {
	const term = new Terminal('d80', 80, 24);
	const state = mkdtempSync(join(tmpdir(), 'radtop-e2e-state-'));
	const auditLog = join(state, 'radtop', 'audit.log');
	const captures: string[] = [];

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		term.start(['--interval', '1'], {XDG_STATE_HOME: state});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 30_000);

	afterAll(() => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
		rmSync(state, {recursive: true, force: true});
		// The screens of the steps, for whoever reads the test log.
		if (process.env['RADTOP_E2E_SCREENS']) console.log(captures.join('\n\n'));
	});

	it(
		'search a user, d, Enter: the session is disconnected, its stop seen, and it leaves the table',
		async () => {
			const table = tableOf(term.capture())!;
			// A user with a name that reads as a name (not MAC digits), shown in full.
			const user = table.rows.map((row) => cell(table.head, row, 'USER')).find((name) => /^[a-z]+\.[a-z]+\d*$/.test(name))!;
			expect(user).toBeDefined();
			term.keys('/');
			await term.waitFor('the search prompt', (lines) => footer(lines).includes('Esc clear search'));
			term.type(user);
			await term.waitFor(`${user} under the cursor`, (lines) => lines[4]?.startsWith(`▸  ${user} `));
			term.keys('Enter');
			// Kept, and the table is the search's: every row is the user's (Enter may apply the last keys first).
			await term.waitFor('the search kept', (lines) => {
				const result = tableOf(lines);
				return (
					footer(lines).includes('d disconnect') &&
					lines[2]?.startsWith(`/ ${user} `) &&
					result !== undefined &&
					result.rows.length > 0 &&
					result.rows.every((row) => cell(result.head, row, 'USER') === user)
				);
			});
			const before = tableOf(term.capture())!.rows.length;
			term.keys('d');
			const preview = await term.waitFor(
				'the preview',
				(_lines, text) => text.includes('disconnect this session? y or Enter') && text,
			);
			captures.push(preview);
			expect(preview).toContain('Disconnect 1 session');
			expect(preview).toContain(`the session of ${user} on `);
			expect(preview).toMatch(/CoA 127\.0\.0\.1:\d+/);
			term.assertFits();
			term.keys('Tab');
			term.type('customer asked for a reset');
			term.keys('Enter');
			await term.waitFor('the reason written', (_lines, text) => text.includes('reason  customer asked for a reset'));
			term.keys('Enter');
			const results = await term.waitFor(
				'the results',
				(_lines, text) => flat(text).includes('1 of 1 confirmed by Accounting-Stop') && text,
				ACTION_MS,
			);
			captures.push(results);
			expect(flat(results)).toMatch(/1 session: 1 (coa|api)/);
			term.assertFits();
			term.keys('Escape');
			// The session goes offline: the search shows one row fewer (the demo's subscriber dials back in 20 s later at the earliest).
			await term.waitFor('the session gone from the table', (lines, text) => {
				const table = tableOf(lines);
				return table !== undefined && (text.includes('no sessions match') || table.rows.length === before - 1);
			});
			// Progress records (every 100 sessions or second) may come between the begin and the end record.
			const records = readFileSync(auditLog, 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as {event: string})
				.filter((record) => record.event !== 'disconnect.progress');
			expect(records.at(-2)).toMatchObject({event: 'disconnect.begin', reason: 'customer asked for a reset'});
			expect(records.at(-1)).toMatchObject({event: 'disconnect.end'});
			// Back to every session.
			term.keys('/');
			await term.waitFor('the search prompt', (lines) => footer(lines).includes('Esc clear search'));
			term.keys('Escape');
			await term.waitFor('the full table', (lines) => lines[2]?.startsWith('/ search: /') && tableOf(lines)?.rows.length === 17);
		},
		ACTION_MS * 2,
	);

	it(
		'select three rows, d, y: exactly those three are disconnected',
		async () => {
			const table = tableOf(term.capture())!;
			const users = table.rows.slice(0, 3).map((row) => cell(table.head, row, 'USER'));
			term.keys('Space', 'Space', 'Space');
			const selected = await term.waitFor('three selected', (lines) => footer(lines).startsWith('3 selected  ') && lines);
			// Counted once, in the footer.
			expect(selected.join('\n').match(/selected/g)).toHaveLength(1);
			term.keys('d');
			const preview = await term.waitFor(
				'the preview of three',
				(_lines, text) => text.includes('disconnect these 3 sessions? y') && text,
			);
			captures.push(preview);
			expect(preview).toContain('3 selected sessions');
			for (const user of users) expect(preview).toContain(user.replace(/…$/, ''));
			term.keys('y');
			const results = await term.waitFor(
				'the results',
				(_lines, text) => flat(text).includes('3 of 3 confirmed by Accounting-Stop') && text,
				ACTION_MS,
			);
			expect(flat(results)).toContain('3 selected sessions: 3 sessions:');
			term.keys('Escape');
			await term.waitFor(
				'the table without a selection',
				(lines) =>
					!footer(lines).includes('selected') && !lines[2]?.includes('selected') && lines.some((line) => /^▸[A-Z ] /.test(line)),
			);
		},
		ACTION_MS * 2,
	);

	it(
		'X on bng-1 with its name typed: the progress view updates and the pill count falls to 0',
		async () => {
			const pill = (lines: string[]) => {
				const match = /bng-1 ([\d,]+)/.exec(statsLine(lines));
				return match ? Number(match[1]!.replace(/,/g, '')) : undefined;
			};
			const start = pill(term.capture())!;
			expect(start).toBeGreaterThan(500);
			term.keys('X');
			await term.waitFor('the NAS picker', (_lines, text) => text.includes('disconnect every session of which NAS?'));
			// bng-1 has the most sessions: first in the list.
			term.keys('Home', 'k', 'k', 'k', 'k', 'k', 'k');
			term.keys('Enter');
			const preview = await term.waitFor(
				'the typed confirmation',
				(_lines, text) => text.includes('type the NAS name (bng-1) to confirm:') && text,
			);
			expect(preview).toMatch(/Disconnect ALL [\d,]+ open sessions on bng-1 \(10\.20\.0\.1\)/);
			term.type('bng-2');
			term.keys('Enter');
			const refused = await term.waitFor(
				'the wrong name refused',
				(_lines, text) => text.includes('"bng-2" does not match: type bng-1') && text,
			);
			captures.push(refused);
			expect(pill(term.capture())).toBeGreaterThan(500);
			term.type('bng-1');
			const confirmedAt = Date.now();
			term.keys('Enter');
			// Watch: the progress view's done count and the pill, screen after screen.
			const seen: Array<{done: number; pill: number}> = [];
			const results = await term.waitFor(
				'the results',
				(lines, text) => {
					const progress = /Disconnecting ([\d,]+)\/([\d,]+)/.exec(text);
					const count = pill(lines);
					if (progress && count !== undefined) {
						seen.push({done: Number(progress[1]!.replace(/,/g, '')), pill: count});
						if (seen.length === 3) captures.push(text);
					}
					return flat(text).includes('ALL open sessions on bng-1: ') && /confirmed by Accounting-Stop/.test(flat(text)) && text;
				},
				ACTION_MS * 2,
			);
			captures.push(results);
			const done = [...new Set(seen.map((entry) => entry.done))];
			expect(done.length, 'distinct progress counts seen').toBeGreaterThan(2);
			expect(done).toEqual([...done].sort((a, b) => a - b));
			expect(new Set(seen.map((entry) => entry.pill)).size, 'distinct pill counts seen while it ran').toBeGreaterThan(1);
			expect(flat(results)).toMatch(/: [\d,]+ sessions: [\d,]+ coa/);
			expect(flat(results)).not.toContain('failed');
			term.keys('Escape');
			// The pill falls to 0 but for subscribers of the live demo network who logged in on bng-1 again after the
			// disconnect was confirmed (their CPE redial 20 to 60 s later; under load the results can take as long).
			// So what is left on bng-1 is read oldest first: not one session may be older than the confirmation.
			const back = await term.waitFor('the table again', (lines) => tableOf(lines) !== undefined && lines);
			expect(pill(back) ?? 0, 'bng-1 sessions left').toBeLessThan(start / 2);
			term.keys('n');
			const picker = await term.waitFor(
				'the NAS picker',
				(lines) => lines[3]?.startsWith('filter on a NAS') && /\S/.test(lines[4] ?? '') && lines,
			);
			const index = picker.slice(4).findIndex((line) => /^\s*[● ] ?bng-1 /.test(line));
			if (index < 0) {
				// Not one session left on bng-1: the picker offers only NAS with open sessions.
				term.keys('Escape');
			} else {
				for (let step = 0; step < 10; step++) term.keys('k');
				for (let step = 0; step < index; step++) term.keys('j');
				term.keys('Enter');
				await term.waitFor('the table of bng-1', (lines) => lines[2]?.includes('· NAS bng-1 ·') && lines);
				term.keys('s');
				const after = await term.waitFor(
					'bng-1 by duration, longest first',
					(lines) => lines[2]?.includes('· NAS bng-1 ·') && lines[2].includes('duration ↓') && lines,
				);
				captures.push(after.join('\n'));
				const elapsed = (Date.now() - confirmedAt) / 1000;
				const table = tableOf(after);
				const oldest = table?.rows[0];
				if (table && oldest !== undefined) {
					// The sorted column's head carries its mark (DURATION▼), and its cells are as wide as that head.
					const title = /DURATION[▲▼]?/.exec(table.head)?.[0] ?? 'DURATION';
					const match = /^(?:(\d+)m)?(\d+)s$/.exec(rightCell(table.head, oldest, title));
					const seconds = match ? Number(match[1] ?? 0) * 60 + Number(match[2]) : Number.POSITIVE_INFINITY;
					// The screen shows whole seconds, rounded: a session that began after the confirmation can show up to
					// 1 s more than the time measured here.
					expect(seconds, `the oldest session left on bng-1: ${oldest}`).toBeLessThan(elapsed + 1);
				}
			}
			term.assertFits();
		},
		ACTION_MS * 4,
	);
	it(
		'q from the table: the screen is restored, then one summary line per disconnect of this console, and the exit code',
		async () => {
			term.keys('Escape');
			await term.waitFor('the table', (lines) => tableOf(lines) !== undefined && footer(lines).includes('q quit'));
			term.keys('q');
			const screen = await term.waitFor('the exit', (_lines, text) => text.includes('EXITED:') && text, ACTION_MS);
			captures.push(screen);
			const records = readFileSync(auditLog, 'utf8')
				.trim()
				.split('\n')
				.map(
					(line) => JSON.parse(line) as {event: string; actionId: string; aborted?: boolean; sessions?: Array<{outcome: string}>},
				);
			const runs = records.filter((record) => record.event === 'disconnect.begin').map((record) => record.actionId);
			expect(runs).toHaveLength(3);
			// The pane wraps the lines at a space: compared without white space.
			const printed = screen.replace(/\s+/g, '');
			runs.forEach((actionId, index) => {
				expect(printed).toContain(`radtop:disconnect${index + 1}of3:`);
				expect(printed).toContain(`(radtopaudit${actionId},${auditLog.replace(/\s+/g, '')})`);
			});
			expect(printed).toMatch(/radtop:disconnect1of3:1session:1(coa|api)/);
			expect(printed).toMatch(/radtop:disconnect2of3:3sessions:/);
			const ends = records.filter((record) => record.event === 'disconnect.end');
			const partial = ends.some((end) => end.aborted === true || (end.sessions ?? []).some((entry) => entry.outcome === 'failed'));
			expect(screen).toContain(`EXITED:${partial ? 3 : 0}`);
		},
		ACTION_MS,
	);
});
