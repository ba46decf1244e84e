/**
 * End to end in tmux (80x24) on the demo: its bng-3 rebooted 12 minutes before the demo starts (nasreload), so
 * the NAS picker says `reloaded 12m.. ago` and a session bng-3 dropped then carries G in the row gutter.
 */
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {cell, CLI, FIRST_SCREEN_MS, firstScreenReady, STEP_MS, tableOf, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const footer = (lines: string[]) => lines[22] ?? '';

describe.skipIf(!tmuxAvailable)('the demo network reloaded bng-3', () => {
	const term = new Terminal('g80', 80, 24);
	let ghost: string;

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		assertBuilt();
		// Which sessions the demo's reload made ghosts, as a script would ask.
		const run = await runCli(['sessions', '--demo', '--json', '--nas', 'bng-3', '--limit', '10000'], {timeoutMs: 60_000});
		const sessions = (JSON.parse(run.stdout) as {sessions: Array<{username: string; ghost_candidate: boolean}>}).sessions;
		const ghosts = sessions.filter((session) => session.ghost_candidate);
		expect(ghosts.length).toBeGreaterThanOrEqual(5);
		// One whose user has no other open session, so the search shows one row.
		ghost = ghosts.find((candidate) => sessions.filter((session) => session.username === candidate.username).length === 1)!.username;
		term.start(['--interval', '1']);
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 90_000);

	afterAll(() => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
	});

	it(
		'n: bng-3 reloaded 12 minutes ago',
		async () => {
			term.keys('n');
			const lines = await term.waitFor(
				'the NAS picker',
				(screen) => screen.some((line) => line.includes('filter on a NAS')) && screen,
			);
			expect(lines.find((line) => line.startsWith('  bng-3 '))).toMatch(
				/^ {2}bng-3 +10\.20\.0\.3 +[\d,]+(?: +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█])? {2}reloaded 1[23]m\d\ds ago$/,
			);
			expect(lines.filter((line) => line.includes('reloaded'))).toHaveLength(1);
			term.keys('Escape');
			await term.waitFor('back at the table', (screen) => footer(screen).includes('d disconnect'));
		},
		STEP_MS * 2,
	);

	it(
		'a session bng-3 dropped when it rebooted is marked G',
		async () => {
			term.keys('/');
			await term.waitFor('the search prompt', (lines) => footer(lines).includes('Esc clear search'));
			term.type(`user:=${ghost}`);
			term.keys('Enter');
			const found = await term.waitFor('its row', (lines) => {
				const table = tableOf(lines);
				return footer(lines).includes('d disconnect') && table !== undefined && table.rows.length === 1 && lines;
			});
			const table = tableOf(found)!;
			expect(cell(table.head, table.rows[0]!, 'USER')).toBe(ghost);
			expect(cell(table.head, table.rows[0]!, 'NAS')).toBe('bng-3');
			expect(table.rows[0]!.slice(0, 3)).toBe('▸G ');
		},
		STEP_MS * 3,
	);
});
