/**
 * End to end in tmux (60x12, the smallest size) on a database of our own: `:user NAME` for a user with no
 * session offers the user view on the empty table, `u` opens it with whose view it is on its first line and
 * the verdict under it, ↓ scrolls the rest under the title, Esc goes back; `u` on a row opens that row's user.
 * The radcheck password and the radpostauth pass never reach the screen.
 */
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL, FREERADIUS_POSTAUTH_SQL} from '../../source/db/freeradius-schema.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const PASSWORD = 'tmux-pw-5e5e';
const PASS = 'tmux-pass-6f6f';
/** The body's first line: under the header, the stats and the filter line. */
const bodyTop = (lines: string[]) => lines[3] ?? '';

describe.skipIf(!tmuxAvailable)('the user view in the console', () => {
	const term = new Terminal('u60', 60, 12);
	let database: TestDatabase;

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		database = await createTestDatabase();
		const exec = (sql: string) => (database.pglite ? database.pglite.exec(sql) : database.pool.query(sql));
		await exec(FREERADIUS_AUTHORISATION_SQL);
		await exec(FREERADIUS_POSTAUTH_SQL);
		await exec(`
			INSERT INTO radcheck (username, attribute, op, value) VALUES
				('blocked', 'Cleartext-Password', ':=', '${PASSWORD}'), ('blocked', 'Auth-Type', ':=', 'Reject'),
				('anna', 'Cleartext-Password', ':=', '${PASSWORD}');
			INSERT INTO radpostauth (username, pass, reply, authdate) VALUES
				('blocked', '${PASS}', 'Access-Reject', now() - interval '2 minutes'),
				('anna', '${PASS}', 'Access-Accept', now() - interval '1 hour');
		`);
		await insertSessions((database.pglite ?? database.pool) as Parameters<typeof insertSessions>[0], [
			{username: 'anna', startedAgo: 3500},
		]);
		term.start(['--db', database.url, '--interval', '2'], {}, {demo: false});
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

	it('offers the user on an empty table, opens it with u, scrolls under its title, and u on a row', async () => {
		term.keys(':');
		term.type('user blocked');
		term.keys('Enter');
		await term.waitFor('the offer', (_lines, text) => text.includes('u: look up user blocked'));
		term.keys('u');
		const opened = await term.waitFor(
			'the user view, read',
			(lines) => bodyTop(lines).startsWith('user blocked') && (lines[4] ?? '').startsWith('rejected') && lines,
		);
		expect(opened[4]).toBe('rejected: Auth-Type := Reject in radcheck');
		term.assertFits();
		expect(bodyTop(opened)).toMatch(/^user blocked +1-\d+ of \d+ ↑↓ · Esc back$/);
		let seen = opened.join('\n');
		for (let step = 0; step < 12; step++) {
			term.keys('Down');
			seen += (await term.waitFor('a line further', (lines) => bodyTop(lines).startsWith('user blocked') && lines)).join('\n');
		}
		const scrolled = term.capture();
		expect(bodyTop(scrolled)).toMatch(/^user blocked +([2-9]|\d\d)-\d+ of \d+/);
		expect(seen).toContain('Cleartext-Password (set)');
		expect(seen).not.toContain(PASSWORD);
		expect(seen).not.toContain(PASS);
		term.keys('Escape');
		await term.waitFor('the empty table again', (_lines, text) => text.includes('no sessions match'));
		term.keys(':');
		term.type('user anna');
		term.keys('Enter');
		await term.waitFor('anna’s row', (lines) => lines.some((line) => /^▸ +anna/.test(line)));
		term.keys('u');
		const anna = await term.waitFor(
			'anna’s view',
			(lines) => bodyTop(lines).startsWith('user anna') && (lines[4] ?? '').startsWith('online') && lines,
		);
		expect(anna[4]).toMatch(/^online on 10\.20\.0\.1 since \d\d:\d\d/);
		expect(anna.join('\n')).not.toContain(PASSWORD);
	}, 60_000);
});
