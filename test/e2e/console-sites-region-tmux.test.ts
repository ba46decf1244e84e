/**
 * End to end: a region over both sites of the demo (`radtop --demo`: north and south, each its own embedded
 * database and simulated NAS), disconnected from the console's keys in a real terminal (tmux, 80x24). metro is
 * north's bng-1 and bng-2 and south's bng-5; south's hotspot-2 has bng-1's IP (10.20.0.1) and is no NAS of it.
 * X, metro, its name typed: the preview and the progress name every NAS `site/name`, each site's part is its own
 * run with its own audit record naming the site and the region, and hotspot-2 keeps its sessions.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const RUN_MS = 240_000;
const count = (text: string): number => Number(text.replace(/,/g, ''));
const flat = (text: string) => text.replace(/\n/g, ' ');

describe.skipIf(!tmuxAvailable)('a region over both demo sites from the console in tmux, 80x24', () => {
	const term = new Terminal('sr80', 80, 24);
	const state = mkdtempSync(join(tmpdir(), 'radtop-e2e-sites-region-'));
	const auditLog = join(state, 'radtop', 'audit.log');
	const captures: string[] = [];

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		term.start(['--interval', '1'], {XDG_STATE_HOME: state}, {demo: 'sites'});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 30_000);

	afterAll(() => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
		rmSync(state, {recursive: true, force: true});
		if (process.env['RADTOP_E2E_SCREENS']) console.log(captures.join('\n\n'));
	});

	it(
		'X, metro, its name typed: every NAS of both sites previewed, run and audited at its own site',
		async () => {
			term.keys('X');
			const picker = await term.waitFor(
				'the regions in the picker',
				(_lines, text) => text.includes('disconnect every session of which NAS?') && /region rural\s+2 NAS/.test(text) && text,
			);
			captures.push(picker);
			expect(picker).toMatch(/region metro\s+3 NAS\s+[\d,]+/);
			const hotspot = count(/south\/hotspot-2\s+10\.20\.0\.1\s+([\d,]+)/.exec(picker)![1]!);
			expect(hotspot).toBeGreaterThan(0);
			// The regions are the last two entries (metro, rural): to the end, then one up.
			term.keys(...Array.from({length: 20}, () => 'j'), 'k', 'Enter');
			const preview = await term.waitFor(
				'the typed confirmation',
				(_lines, text) =>
					text.includes("type the region's name (metro) to confirm:") && /south\/bng-5\s+[\d,]+ · CoA/.test(text) && text,
			);
			captures.push(preview);
			const title = /Disconnect ALL ([\d,]+) open sessions of region metro \(3 NAS\)/.exec(preview);
			expect(title, preview).not.toBeNull();
			const perNas = [...preview.matchAll(/│ (\S+)\s+([\d,]+) · CoA 127\.0\.0\.1:\d+/g)].map(
				(match) => [match[1]!, count(match[2]!)] as const,
			);
			const names = perNas.map(([name]) => name);
			expect([...names].sort()).toEqual(['north/bng-1', 'north/bng-2', 'south/bng-5']);
			expect(perNas.reduce((sum, [, sessions]) => sum + sessions, 0)).toBe(count(title![1]!));
			expect(preview).toContain('ALL open sessions of region metro (north/bng-1, north/bng-2, south/bng-5)');
			term.assertFits();

			term.type('metro');
			term.keys('Enter');
			const bars = new Set<string>();
			const results = await term.waitFor(
				'the results',
				(_lines, text) => {
					if (/Disconnecting [\d,]+\/[\d,]+/.test(text)) {
						for (const [, name, , total] of text.matchAll(/ (\S+) +[█░]+ +([\d,]+)\/([\d,]+)/g)) {
							expect(count(total!)).toBe(perNas.find(([nas]) => nas === name)![1]);
							bars.add(name!);
						}
						if (bars.size === names.length && captures.length === 2) captures.push(text);
					}
					return /confirmed by Accounting-Stop/.test(flat(text)) && /region metro/.test(text) && text;
				},
				RUN_MS,
			);
			captures.push(results);
			expect([...bars].sort(), 'a progress line for each NAS of the region, at both sites').toEqual([...names].sort());
			expect(flat(results)).toMatch(/[\d,]+ sessions: [\d,]+ coa/);
			expect(flat(results)).not.toContain('failed');
			expect(flat(results)).not.toContain('not on');
			term.assertFits();

			const begins = readFileSync(auditLog, 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as {event: string; target?: string; via?: string; site?: string})
				.filter((record) => record.event === 'disconnect.begin');
			expect(begins.map((record) => `${record.site}: ${record.target}`).sort()).toEqual([
				'north: region metro: NAS bng-1, bng-2 (open sessions)',
				'south: region metro: NAS bng-5 (open sessions)',
			]);

			// Then the status line follows who is back, each site counting its own users.
			const recovery = await term.waitFor(
				'the recovery line',
				(_lines, text) => (/(north|south)\/bng-\d: [\d,]+ of [\d,]+ back \(\d+ ?%\)/.test(text) ? text : undefined),
				60_000,
			);
			captures.push(recovery);
			const [, nas, back, total] = /((?:north|south)\/bng-\d): ([\d,]+) of ([\d,]+) back/.exec(recovery)!;
			expect(names).toContain(nas);
			expect(count(back!)).toBeLessThanOrEqual(count(total!));
			expect(count(total!)).toBeLessThanOrEqual(perNas.find(([name]) => name === nas)![1]);

			// South's hotspot-2, at bng-1's IP, kept its sessions.
			term.keys('Escape');
			term.keys('X');
			const after = await term.waitFor(
				'the picker again',
				(_lines, text) => text.includes('disconnect every session of which NAS?') && /south\/hotspot-2/.test(text) && text,
			);
			captures.push(after);
			expect(count(/south\/hotspot-2\s+10\.20\.0\.1\s+([\d,]+)/.exec(after)![1]!)).toBeGreaterThan(hotspot / 2);
		},
		RUN_MS + 60_000,
	);
});
