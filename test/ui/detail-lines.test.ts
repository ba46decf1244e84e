/**
 * The detail view's lines as pure functions: the literal text at a fixed width and height, the styles
 * that carry meaning, and what a short terminal leaves out.
 */
import {describe, expect, it} from 'vitest';
import type {Session} from '../../source/sessions/session.js';
import {detailLines, fieldText, type DetailOptions} from '../../source/ui/detail-lines.js';
import {sessionSubscriber} from '../../source/subscribers/subscriber-view.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function session(radacctid: string, overrides: Partial<Session> = {}): Session {
	return makeSession({
		radacctid,
		acctsessionid: `sess-${radacctid}`,
		acctuniqueid: `uniq-${radacctid}`,
		username: 'alice',
		nasipaddress: '10.20.0.1',
		nasname: 'bng-1',
		framedipaddress: '100.64.0.9',
		callingstationid: 'AA:BB:CC:DD:EE:FF',
		acctstarttime: new Date(NOW.getTime() - 7_200_000),
		acctupdatetime: NOW,
		acctinputoctets: 1_500_000,
		acctoutputoctets: 42_000_000,
		...overrides,
	});
}

const OPTIONS: DetailOptions = {
	now: NOW,
	rate: {downKbps: 2000, upKbps: 300},
	masked: false,
	staleAfterSeconds: 1800,
	width: 79,
	height: 18,
};

const texts = (lines: ReadonlyArray<{text: string}>) => lines.map((line) => line.text);

describe('detailLines', () => {
	it('shows a session and its history at 79x18', () => {
		const current = session('1');
		const ended = session('2', {
			acctstarttime: new Date(NOW.getTime() - 86_400_000),
			acctstoptime: new Date(NOW.getTime() - 82_800_000),
			acctterminatecause: 'Lost-Carrier',
		});
		const lines = detailLines({id: '1', session: current, history: [current, ended]}, OPTIONS);
		expect(texts(lines)).toMatchInlineSnapshot(`
			[
			  "alice on bng-1 (10.20.0.1)",
			  "online · 2h00m · down 40M / up 1.4M · rate 2.0M/300kbit/s",
			  "radacctid           1                   acctupdatetime      2026-11-25 12:00:00",
			  "acctsessionid       sess-1              acctinputoctets     1500000",
			  "acctuniqueid        uniq-1              acctoutputoctets    42000000",
			  "nasipaddress        10.20.0.1           callingstationid    AA:BB:CC:DD:EE:FF",
			  "acctstarttime       2026-11-25 10:00:00 framedipaddress     100.64.0.9",
			  "Vendor              randomized (locally administered)",
			  "previous sessions",
			  "  START       STOP        DURATION FRAMED IP / IPv6   NAS      CAUSE",
			  "  11-24 12:00 11-24 13:00    1h00m 100.64.0.9         bng-1    Lost-Carrier",
			]
		`);
		expect(lines[0]).toMatchObject({bold: true, right: 'Esc back'});
		expect(lines[1]).toMatchObject({tone: 'ok'});
		expect(lines.at(-3)).toMatchObject({bold: true, tone: 'accent'});
		expect(lines.at(-2)).toMatchObject({tone: 'muted'});
		expect(lines.at(-1)).toMatchObject({dim: true});
	});

	it('says when the terminal is too short for every previous session', () => {
		const current = session('1');
		const history = [current, ...Array.from({length: 6}, (_, index) => session(String(index + 2), {acctstoptime: NOW}))];
		const lines = detailLines({id: '1', session: current, history}, {...OPTIONS, height: 13});
		// Title, summary, 5 field rows, the vendor, the history heading and its column heads leave room for 3 of the 6.
		expect(lines).toHaveLength(13);
		expect(lines[8]!.text).toBe('previous sessions 1-3 of 6 (↑↓ PgUp PgDn)');
		// Scrolled: the window moves, and stops with the last one in view.
		const scrolled = detailLines({id: '1', session: current, history, historyTop: 2}, {...OPTIONS, height: 13});
		expect(scrolled[8]!.text).toBe('previous sessions 3-5 of 6 (↑↓ PgUp PgDn)');
		const end = detailLines({id: '1', session: current, history, historyTop: 99}, {...OPTIONS, height: 13});
		expect(end[8]!.text).toBe('previous sessions 4-6 of 6 (↑↓ PgUp PgDn)');
	});

	it('says the history is loading, or that there is none', () => {
		const current = session('1');
		expect(detailLines({id: '1', session: current}, OPTIONS).at(-1)!.text).toBe('previous sessions (loading…)');
		expect(detailLines({id: '1', session: current, history: [current]}, OPTIONS).at(-1)!.text).toBe('previous sessions: none');
	});

	it('an ended session: offline with its cause, muted', () => {
		const ended = session('1', {acctstoptime: NOW, acctterminatecause: 'Admin-Reset'});
		const summary = detailLines({id: '1', session: ended, history: []}, {...OPTIONS, rate: undefined})[1]!;
		expect(summary).toEqual({text: 'offline, Admin-Reset · 2h00m · down 40M / up 1.4M', tone: 'muted'});
	});

	it('masks the framed IP and the MAC when asked', () => {
		const lines = texts(detailLines({id: '1', session: session('1'), history: []}, {...OPTIONS, masked: true})).join('\n');
		expect(lines).not.toContain('100.64.0.9');
		expect(lines).not.toContain('AA:BB:CC:DD:EE:FF');
	});

	it('cuts every field to its half of a narrow screen', () => {
		const lines = detailLines({id: '1', session: session('1'), history: []}, {...OPTIONS, width: 41});
		for (const line of lines.slice(2, -1)) expect(line.text.length).toBeLessThanOrEqual(41);
	});

	it('strips terminal controls that came from the database', () => {
		const evil = session('1', {username: 'evil\x1b[2J\x07name', nasname: 'bng\x1b]0;x\x07-1'});
		const lines = detailLines({id: '1', session: evil, history: [evil]}, OPTIONS);
		// eslint-disable-next-line no-control-regex
		for (const line of lines) expect(line.text).not.toMatch(/[\x00-\x1f\x7f]/);
		expect(lines[0]!.text).toContain('evil');
	});

	it('before the session is read: one line, loading or the error', () => {
		expect(detailLines({id: '7'}, OPTIONS)).toEqual([{text: 'loading session 7…', tone: 'muted', wrap: true}]);
		expect(detailLines({id: '7', error: 'session 7 is no longer in radacct'}, OPTIONS)).toEqual([
			{text: 'session 7 is no longer in radacct', tone: 'error', wrap: true},
		]);
	});
});

describe('fieldText', () => {
	it('writes empty as -, times as timestamps, and masks only when asked', () => {
		const current = session('1', {connectinfo_start: ''});
		expect(fieldText(current, 'connectinfo_start', false)).toBe('-');
		expect(fieldText(current, 'acctstarttime', false)).toBe('2026-11-25 10:00:00');
		expect(fieldText(current, 'framedipaddress', false)).toBe('100.64.0.9');
		expect(fieldText(current, 'framedipaddress', true)).not.toBe('100.64.0.9');
		expect(fieldText(current, 'username', true)).toBe('alice');
	});
});

describe('detailLines: a session radtop disconnected', () => {
	const by = {
		operator: 'noc-anna',
		sudoUser: null,
		at: '2026-11-24T13:00:00.000Z',
		reason: 'CHG-2211 maintenance',
		via: 'command line' as const,
		outcome: 'coa' as const,
		actionId: 'a1',
	};
	const ended = (radacctid: string, extra: Partial<Session> = {}) =>
		session(radacctid, {
			acctstarttime: new Date(NOW.getTime() - 86_400_000),
			acctstoptime: new Date(NOW.getTime() - 82_800_000),
			acctterminatecause: 'Admin-Reset',
			...extra,
		});

	it('the row keeps its cause first (cut to the column), and a line under it says by whom, via what, when and why', () => {
		const current = session('1');
		const lines = detailLines({id: '1', session: current, history: [current, ended('2', {disconnectedBy: by}), ended('3')]}, OPTIONS);
		const text = texts(lines);
		const row = text.findIndex((line) => line.startsWith('  11-24 12:00'));
		expect(text[row]).toBe('  11-24 12:00 11-24 13:00    1h00m 100.64.0.9         bng-1    Admin-Reset ·…');
		const at = new Date(by.at);
		const local = `${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')} ${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
		expect(text[row + 1]).toBe(`    ↳ by noc-anna via radtop at ${local}: CHG-2211 maintenance`);
		expect(lines[row + 1]).toMatchObject({tone: 'warn'});
		// The session radtop did not disconnect has no such line.
		expect(text[row + 2]).toBe('  11-24 12:00 11-24 13:00    1h00m 100.64.0.9         bng-1    Admin-Reset');
		expect(text).toHaveLength(row + 3);
	});

	it('the line is cut to the width; a hostile reason is sanitised; the line counts against the height', () => {
		const current = session('1');
		const hostile = {...by, operator: 'eve\u001b[31m', reason: `${'x'.repeat(80)}\u0007`};
		const history = [current, ended('2', {disconnectedBy: hostile}), ended('3'), ended('4')];
		const lines = detailLines({id: '1', session: current, history}, {...OPTIONS, width: 79, height: 13});
		const text = texts(lines);
		const note = text.find((line) => line.startsWith('    ↳'))!;
		expect(note.startsWith('    ↳ by eve')).toBe(true);
		expect(note).not.toMatch(/\p{Cc}/u);
		expect(note.length).toBeLessThanOrEqual(79);
		expect(note.endsWith('…')).toBe(true);
		// Title, summary, 5 field rows, the vendor, heading, column heads: 3 lines left, the annotated row takes two of them.
		expect(text).toHaveLength(13);
		expect(text[8]).toBe('previous sessions 1-2 of 3 (↑↓ PgUp PgDn)');
	});
});

describe('detailLines: the subscriber behind the session', () => {
	const current = session('1');
	const context = {
		groups: ['fiber-100', 'all'],
		sessionTimeout: 10_800,
		rateLimit: {value: '100M/100M', attribute: 'Mikrotik-Rate-Limit'},
		simultaneousUse: 2,
	};

	it('shows plan, limits, remaining and the billing fields under the radacct fields', () => {
		const subscriber = sessionSubscriber(current, context, {full_name: 'Alice \x1b[31mLiddell', service: ''}, NOW);
		const lines = detailLines(
			{
				id: '1',
				session: current,
				history: [current],
				subscriber: {subscriber, billingColumns: ['full_name', 'service'], status: null},
			},
			OPTIONS,
		);
		expect(texts(lines).slice(7)).toEqual([
			'Vendor              randomized (locally administered)',
			'Plan                fiber-100, all      Session-Timeout     3h',
			'Rate limit          100M/100M (Mikrotik-Rate-Limit)',
			'Simultaneous-Use    2                   Remaining           1h (33%)',
			'full_name           Alice \\x1b[31mLiddell',
			'previous sessions: none',
		]);
	});

	it('warns of a session past its expected end, and says what could not be read', () => {
		const subscriber = sessionSubscriber(current, {...context, sessionTimeout: 3600}, {}, NOW);
		const lines = detailLines(
			{
				id: '1',
				session: current,
				history: [],
				subscriber: {subscriber, billingColumns: ['full_name'], status: 'billing query failed: boom'},
			},
			OPTIONS,
		);
		const remaining = lines.find((line) => line.text.includes('Remaining'))!;
		expect(remaining.text).toBe('Remaining           over by 1h: the NAS did not end it');
		expect(remaining.tone).toBe('warn');
		expect(lines.find((line) => line.text === 'billing query failed: boom')?.tone).toBe('muted');
		expect(texts(lines).join('\n')).not.toContain('full_name');
	});

	it('adds nothing before the subscriber is read', () => {
		const without = detailLines({id: '1', session: current, history: []}, OPTIONS);
		const empty = detailLines(
			{id: '1', session: current, history: [], subscriber: {subscriber: undefined, billingColumns: [], status: null}},
			OPTIONS,
		);
		expect(texts(empty)).toEqual(texts(without));
	});
});

describe('detailLines: the MAC’s vendor', () => {
	const vendorLine = (overrides: Partial<Session>, masked = false) =>
		texts(detailLines({id: '1', session: session('1', overrides), history: []}, {...OPTIONS, masked})).find((line) =>
			line.startsWith('Vendor'),
		);

	it('names the registry’s vendor, masked or not: the OUI is the vendor’s', () => {
		expect(vendorLine({callingstationid: 'f0:d1:a9:12:34:56'})).toBe('Vendor              Apple, Inc.');
		expect(vendorLine({callingstationid: 'f0d1.a912.3456'}, true)).toBe('Vendor              Apple, Inc.');
	});

	it('a randomized MAC, a MAC the registry does not list, and no MAC', () => {
		expect(vendorLine({callingstationid: 'DA-A1-19-00-00-01'})).toBe('Vendor              randomized (locally administered)');
		expect(vendorLine({callingstationid: '00abe0000001'})).toBe('Vendor              not in the IEEE registry');
		expect(vendorLine({callingstationid: 'guest@hotspot'})).toBeUndefined();
		expect(vendorLine({callingstationid: null})).toBeUndefined();
	});
});
