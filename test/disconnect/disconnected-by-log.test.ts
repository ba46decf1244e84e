/** The audit log's disconnects read from the file and put on a reader's history rows. */
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {historyWithDisconnects, loadDisconnectedBy} from '../../source/disconnect/disconnected-by-log.js';
import type {SessionReader} from '../../source/sessions/session-source.js';
import {makeSession} from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'radtop-disconnected-by-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const operator = {user: 'noc-anna', sshClient: null};
const beginLine = (actionId: string, radacctid: string) =>
	`${JSON.stringify({event: 'disconnect.begin', time: '2026-12-03T05:40:00.000Z', actionId, operator, reason: 'r', via: 'console', dryRun: false, sessions: [{radacctid}]})}\n`;
const endLine = (actionId: string, radacctid: string) =>
	`${JSON.stringify({event: 'disconnect.end', time: '2026-12-03T05:40:01.000Z', actionId, operator, dryRun: false, sessions: [{radacctid, method: 'coa', outcome: 'coa', reason: 'ACK'}]})}\n`;

describe('loadDisconnectedBy', () => {
	it('reads the log again once it changed, and a missing log names nothing', async () => {
		const path = join(dir, 'audit.log');
		expect((await loadDisconnectedBy(path)).size).toBe(0);
		writeFileSync(path, beginLine('a1', '7') + endLine('a1', '7'));
		expect([...(await loadDisconnectedBy(path)).keys()]).toEqual(['7']);
		appendFileSync(path, beginLine('a2', '8') + endLine('a2', '8'));
		expect([...(await loadDisconnectedBy(path)).keys()]).toEqual(['7', '8']);
	});
});

describe('historyWithDisconnects', () => {
	it('annotates history() rows; the rest of the reader is the reader', async () => {
		const path = join(dir, 'reader.log');
		writeFileSync(path, beginLine('r1', '20') + endLine('r1', '20'));
		const rows = [makeSession({radacctid: '20', username: 'alice'}), makeSession({radacctid: '21', username: 'alice'})];
		const reader = {
			staleAfterSeconds: 1800,
			history: (username: string) => Promise.resolve(rows.filter((row) => row.username === username)),
			session: (id: string) => Promise.resolve(rows.find((row) => row.radacctid === id)),
		} as unknown as SessionReader;
		const wrapped = historyWithDisconnects(reader, path);
		const history = await wrapped.history('alice');
		expect(history.map((row) => row.disconnectedBy?.actionId ?? null)).toEqual(['r1', null]);
		expect(wrapped.staleAfterSeconds).toBe(1800);
		expect((await wrapped.session('20'))?.disconnectedBy).toBeUndefined();
	});
});
