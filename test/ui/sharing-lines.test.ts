/** The detail view's sharing hint: which open sessions the user has, and whether MACs and NAS differ. Pure. */
import {describe, expect, it} from 'vitest';
import {detailLines} from '../../source/ui/detail-lines.js';
import {sharingLines, type UserOpenSessions} from '../../source/ui/sharing-lines.js';
import {makeSession} from '../helpers/sessions.js';

// Local time: the hint says "since 09:12" as the operator's clock reads.
const NOW = new Date(2026, 10, 25, 10, 0, 0);

function open(sessions: Parameters<typeof makeSession>[0][], count = sessions.length, username = 'alice'): UserOpenSessions {
	return {username, count, sessions: sessions.map((overrides, index) => makeSession({radacctid: String(index + 1), ...overrides}))};
}

const TWO = open([
	{nasname: 'bng-1', nasipaddress: '10.20.0.1', callingstationid: 'AA:BB:CC:00:00:01', acctstarttime: new Date(2026, 10, 25, 9, 12)},
	{nasname: 'bng-2', nasipaddress: '10.20.0.2', callingstationid: 'CC:DD:EE:00:00:02', acctstarttime: new Date(2026, 10, 25, 9, 40)},
]);

const texts = (lines: ReturnType<typeof sharingLines>) => lines.map((line) => line.text);

describe('sharing hint', () => {
	it('names the sessions and says what differs', () => {
		expect(texts(sharingLines(TWO, {now: NOW, masked: false, width: 160}))).toEqual([
			'2 open sessions of alice: bng-1 (AA:BB:CC:00:00:01) since 09:12, bng-2 (CC:DD:EE:00:00:02) since 09:40 · different MACs, different NAS',
		]);
		expect(sharingLines(TWO, {now: NOW, masked: false, width: 160})[0]?.tone).toBe('warn');
	});

	it('masks the MACs in masked mode', () => {
		const [line] = texts(sharingLines(TWO, {now: NOW, masked: true, width: 160}));
		expect(line).toContain('bng-1 (AA:BB:CC:xx:xx:xx) since 09:12');
		expect(line).not.toContain('00:00:01');
	});

	it('one open session: no hint', () => {
		expect(sharingLines(open([{}]), {now: NOW, masked: false, width: 80})).toEqual([]);
		expect(sharingLines(undefined, {now: NOW, masked: false, width: 80})).toEqual([]);
	});

	it('the same MAC twice on one NAS reads as such (a ghost, not a shared password)', () => {
		const ghost = open([
			{nasname: 'bng-1', callingstationid: 'aa:bb:cc:00:00:01', acctstarttime: new Date(2026, 10, 24, 22, 5)},
			{nasname: 'bng-1', callingstationid: 'AA-BB-CC-00-00-01', acctstarttime: new Date(2026, 10, 25, 9, 40)},
		]);
		const [line] = texts(sharingLines(ghost, {now: NOW, masked: false, width: 200}));
		expect(line).toContain('since 11-24 22:05');
		expect(line).toMatch(/· same MAC, same NAS$/);
	});

	it('names a few and counts the rest, with Simultaneous-Use when known', () => {
		const many = open(
			[
				{nasname: 'bng-1', nasipaddress: '10.20.0.1', callingstationid: 'AA:BB:CC:00:00:01'},
				{nasname: 'bng-1', nasipaddress: '10.20.0.1', callingstationid: 'AA:BB:CC:00:00:02'},
				{nasname: 'bng-2', nasipaddress: '10.20.0.2', callingstationid: 'AA:BB:CC:00:00:02'},
			],
			5,
		);
		const [line] = texts(sharingLines(many, {now: NOW, masked: false, width: 300}, 2));
		expect(line).toMatch(/^5 open sessions of alice \(Simultaneous-Use 2\): /);
		expect(line).toMatch(/\+2 more · 2 MACs, 2 NAS$/);
	});

	it('sanitises what came from the database', () => {
		const hostile = open(
			[
				{nasname: 'bng\x1b[31m-1', callingstationid: 'AA:BB\x07:CC:00:00:01'},
				{nasname: 'bng-2', callingstationid: null},
			],
			2,
			'eve\x1b]0;pwned\x07',
		);
		const lines = texts(sharingLines(hostile, {now: NOW, masked: false, width: 300}));
		for (const line of lines) expect(line).not.toMatch(/\p{Cc}/u);
		expect(lines[0]).toContain('of eve');
	});

	it('narrower: who and what differs first, the sessions on a second line cut at the width', () => {
		const lines = texts(sharingLines(TWO, {now: NOW, masked: false, width: 60}));
		expect(lines).toEqual([
			'2 open sessions of alice · different MACs, different NAS',
			'  bng-1 (AA:BB:CC:00:00:01) since 09:12, bng-2 (CC:DD:EE:00…',
		]);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
	});

	it('shows in the detail view under the fields', () => {
		const session = TWO.sessions[0]!;
		const lines = detailLines(
			{id: session.radacctid, session, history: [], openSessions: TWO},
			{now: NOW, rate: undefined, masked: false, staleAfterSeconds: 1800, width: 160, height: 30},
		);
		const hint = lines.find((line) => line.text.startsWith('2 open sessions of alice'));
		expect(hint?.text).toContain('different MACs, different NAS');
		const history = lines.findIndex((line) => line.text.startsWith('previous sessions'));
		expect(lines.indexOf(hint!)).toBeLessThan(history);
	});
});
