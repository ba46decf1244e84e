/**
 * End to end: a whole region disconnected from the console's keys on the demo network, in a real terminal
 * (tmux, 80x24). The demo defines two regions (metro: bng-1, bng-2 and bng-5 of the demo's second site, by
 * name; rural: accel-1 and an IP). X, the region metro, its name typed (a wrong one refused first), then the
 * run's progress per NAS of the region, its results and its audit record, then the recovery line. The demo's simulated NAS answer and
 * write the stops.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const RUN_MS = 240_000;
const count = (text: string): number => Number(text.replace(/,/g, ''));
/** The screen as one line: the results summary wraps at 80 columns. */
const flat = (text: string) => text.replace(/\n/g, ' ');

describe.skipIf(!tmuxAvailable)('disconnecting a region from the console in tmux, 80x24, on the demo', () => {
	const term = new Terminal('r80', 80, 24);
	const state = mkdtempSync(join(tmpdir(), 'radtop-e2e-region-'));
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
		if (process.env['RADTOP_E2E_SCREENS']) console.log(captures.join('\n\n'));
	});

	it('the stats line shows a region pill; X lists the regions after the NAS', async () => {
		const first = term.capture();
		expect(first[1]).toMatch(/^[\d,]+ online · .* {3}bng-\d [\d,]+ .*\[metro [\d,]+\]/);
		term.keys('X');
		const picker = await term.waitFor(
			'the regions in the picker',
			(_lines, text) =>
				text.includes('disconnect every session of which NAS?') && /region rural\s+\d+ NAS\s+[\d,]+/.test(text) && text,
		);
		captures.push(picker);
		expect(picker).toMatch(/region metro\s+\d+ NAS\s+[\d,]+/);
		term.assertFits();
	}, 30_000);

	it(
		'a region, Enter: every NAS of it with its count; its name typed (a wrong one refused), the run per NAS, the results',
		async () => {
			// The regions are the last two entries (metro, rural): to the end, then one up.
			term.keys(...Array.from({length: 12}, () => 'j'), 'k', 'Enter');
			const preview = await term.waitFor(
				'the typed confirmation',
				(_lines, text) => text.includes("type the region's name (metro) to confirm:") && /bng-2\s+[\d,]+ · CoA/.test(text) && text,
			);
			captures.push(preview);
			const title = /Disconnect ALL ([\d,]+) open sessions of region metro \((\d+) NAS\)/.exec(preview);
			expect(title, preview).not.toBeNull();
			const perNas = [...preview.matchAll(/│ (\S+)\s+([\d,]+) · CoA 127\.0\.0\.1:\d+/g)].map(
				(match) => [match[1]!, count(match[2]!)] as const,
			);
			const names = perNas.map(([name]) => name);
			expect(names).toEqual(expect.arrayContaining(['bng-1', 'bng-2']));
			expect(names).toHaveLength(Number(title![2]));
			expect(perNas.reduce((sum, [, sessions]) => sum + sessions, 0)).toBe(count(title![1]!));
			const label = `ALL open sessions of region metro (${names.join(', ')})`;
			expect(preview).toContain(label);
			term.assertFits();

			term.type('bng-1');
			term.keys('Enter');
			const refused = await term.waitFor(
				'the wrong name refused',
				(_lines, text) => text.includes('"bng-1" does not match: type metro') && text,
			);
			captures.push(refused);
			term.type('metro');
			term.keys('Enter');

			// The run: one progress line per NAS of the region, each counting up to its share.
			const bars = new Map<string, Set<number>>();
			const results = await term.waitFor(
				'the results',
				(_lines, text) => {
					if (/Disconnecting [\d,]+\/[\d,]+/.test(text)) {
						for (const [, name, done, total] of text.matchAll(/ (\S+) +[█░]+ ([\d,]+)\/([\d,]+)/g)) {
							expect(count(total!)).toBe(perNas.find(([nas]) => nas === name)![1]);
							if (!bars.has(name!)) bars.set(name!, new Set());
							bars.get(name!)!.add(count(done!));
							if (bars.size === names.length && captures.length === 2) captures.push(text);
						}
					}
					return flat(text).includes(`${label}: `) && /confirmed by Accounting-Stop/.test(flat(text)) && text;
				},
				RUN_MS,
			);
			captures.push(results);
			expect([...bars.keys()].sort(), 'a progress line for each NAS of the region').toEqual([...names].sort());
			for (const [name, done] of bars) expect(done.size, `distinct counts seen on ${name}`).toBeGreaterThan(1);
			expect(flat(results)).toMatch(/: [\d,]+ sessions: [\d,]+ coa/);
			expect(flat(results)).not.toContain('failed');
			term.assertFits();

			const begin = readFileSync(auditLog, 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as {event: string; target?: string; via?: string})
				.find((record) => record.event === 'disconnect.begin');
			expect(begin).toMatchObject({target: `region metro: NAS ${names.join(', ')} (open sessions)`, via: 'console'});

			// Afterwards the status line follows who is back (the demo's subscribers dial in again after 20 to 60 s).
			const recovery = await term.waitFor(
				'the recovery line',
				(_lines, text) => (/(bng-\d): ([\d,]+) of ([\d,]+) back \((\d+) ?%\)/.test(text) ? text : undefined),
				60_000,
			);
			captures.push(recovery);
			const [, nas, back, total] = /(bng-\d): ([\d,]+) of ([\d,]+) back/.exec(recovery)!;
			expect(names).toContain(nas);
			expect(count(back!)).toBeLessThanOrEqual(count(total!));
			expect(count(total!)).toBeLessThanOrEqual(perNas.find(([name]) => name === nas)![1]);
			expect(recovery).toMatch(/since the run/);
		},
		RUN_MS + 30_000,
	);
});
