import pg from 'pg';
import {describe, expect, it, vi} from 'vitest';
import {executeDisconnect} from '../../source/disconnect/executor.js';
import {
	CLAIM_NAMESPACE,
	findClaimHolders,
	formatAgo,
	holderLabel,
	holderMessage,
	NasClaims,
	nasClaimKey,
	parseHolderLabel,
	type ClaimHolder,
} from '../../source/disconnect/nas-claims.js';
import type {Queryable} from '../../source/db/queryable.js';
import type {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {depsFor, registryFor, SECRET, sessionIdOf, setUpExecutorWorld} from './harness.js';

const ANNA: ClaimHolder = {operator: 'noc-anna', host: 'noc1', pid: 4242, since: new Date('2026-12-02T21:00:00Z')};
const OPERATOR = {user: 'noc-test', sshClient: null};
const INT4 = 2 ** 31;

describe('nasClaimKey', () => {
	it('is two int4: the radtop namespace and a hash of the IP, the same in every process', () => {
		const [namespace, key] = nasClaimKey('10.0.0.2');
		expect(namespace).toBe(CLAIM_NAMESPACE);
		expect(CLAIM_NAMESPACE).toBe(Buffer.from('radt').readInt32BE());
		expect(Number.isInteger(key) && key >= -INT4 && key < INT4).toBe(true);
		// FNV-1a of "radtop:nas:10.0.0.2", fixed: a changed derivation would let an old and a new radtop collide.
		expect(nasClaimKey('10.0.0.2')).toEqual([CLAIM_NAMESPACE, key]);
		expect(key).toBe(Buffer.from(fnv1a('radtop:nas:10.0.0.2')).readInt32BE());
	});

	it('differs between NAS and agrees on every spelling of one IP', () => {
		const keys = new Set(['10.0.0.1', '10.0.0.2', '10.0.0.3', '192.0.2.1', '2001:db8::1'].map((ip) => nasClaimKey(ip)[1]));
		expect(keys.size).toBe(5);
		expect(nasClaimKey('2001:DB8:0:0::1')).toEqual(nasClaimKey('2001:db8::1'));
		expect(nasClaimKey(' 10.0.0.2 ')).toEqual(nasClaimKey('10.0.0.2'));
	});
});

function fnv1a(text: string): Uint8Array {
	let hash = 0x811c9dc5n;
	for (const byte of Buffer.from(text)) hash = ((hash ^ BigInt(byte)) * 0x01000193n) & 0xffffffffn;
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32BE(Number(hash));
	return bytes;
}

describe('the holder label and message', () => {
	it('says who holds a claim in an application_name, and is read back', () => {
		const label = holderLabel(ANNA);
		expect(label).toBe('radtop disconnect 4242 1796245200 noc-anna@noc1');
		expect(parseHolderLabel(label)).toEqual(ANNA);
	});

	it('fits the 63 bytes PostgreSQL keeps, printable ASCII, losing only the end of operator@host', () => {
		const long = {...ANNA, operator: 'operator-with-a-very-long-name', host: 'host.with.a.long.domain.example', pid: 4_194_304};
		const label = holderLabel(long);
		expect(label.length).toBe(63);
		expect(label).toBe('radtop disconnect 4194304 1796245200 operator-with-a-very-long-');
		expect(parseHolderLabel(label)).toEqual({pid: 4_194_304, since: ANNA.since, operator: 'operator-with-a-very-long-', host: ''});
		expect(holderLabel({...ANNA, operator: 'ånna\tx'})).toBe('radtop disconnect 4242 1796245200 ?nna?x@noc1');
	});

	it('is not read from any other application_name', () => {
		for (const name of ['radtop', 'psql', '', null, 'radtop disconnect x 1 a@b']) expect(parseHolderLabel(name)).toBeUndefined();
	});

	it('tells the second operator who is disconnecting the NAS and since when', () => {
		const now = new Date(ANNA.since.getTime() + 38_000);
		expect(holderMessage('bng-2', ANNA, now)).toBe('bng-2 is being disconnected by noc-anna@noc1 (pid 4242, 38 s ago)');
		expect(holderMessage('bng-2', {...ANNA, host: ''}, now)).toBe('bng-2 is being disconnected by noc-anna (pid 4242, 38 s ago)');
		expect(holderMessage('bng-2', undefined, now)).toBe('bng-2 is being disconnected by another radtop');
	});

	it('says how long ago in seconds, minutes or hours, never negative', () => {
		const at = (seconds: number) => formatAgo(ANNA.since, new Date(ANNA.since.getTime() + seconds * 1000));
		expect([at(-5), at(0), at(119), at(120), at(7199), at(7200)]).toEqual(['0 s', '0 s', '119 s', '2 min', '119 min', '2 h']);
	});
});

let database: TestDatabase;
let coaClient: CoaClient;
let nas: FakeCoaNas | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
setUpExecutorWorld({
	setDatabase: (value) => (database = value),
	setCoaClient: (value) => (coaClient = value),
	async cleanup() {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
		await nas?.close();
		nas = undefined;
	},
});

const BNG = {ip: '10.20.0.1', name: 'bng-1'};

/** Another process's claim, as a connection of its own that took the lock (a real server only: PGlite has one session). */
async function foreignClaim(holder: ClaimHolder | null = ANNA): Promise<{release: () => Promise<void>}> {
	const client = new pg.Client({connectionString: database.url, application_name: holder ? holderLabel(holder) : 'psql'});
	await client.connect();
	const [namespace, key] = nasClaimKey(BNG.ip);
	const {rows} = await client.query('SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked', [namespace, key]);
	expect(rows[0].locked).toBe(true);
	let ended = false;
	const release = async () => {
		if (ended) return;
		ended = true;
		await client.end();
	};
	cleanups.push(release);
	return {release};
}

/** Claims released after the test, before any pool they use is ended. */
function tracked(claims: NasClaims): NasClaims {
	cleanups.push(async () => claims.release());
	return claims;
}

/** A pool like the CLI's, which can lend a connection for the locks. */
function cliPool(): pg.Pool {
	const pool = new pg.Pool({connectionString: database.url, max: 2});
	cleanups.push(async () => pool.end());
	return pool;
}

// createTestDatabase uses the server in DATABASE_URL when it is set, else PGlite.
const onServer = () => Boolean(process.env['DATABASE_URL']);

describe('NasClaims', () => {
	it('one claim per NAS in a process: a second is refused with who holds it, and succeeds once released', async () => {
		const first = new NasClaims(database.pool, ANNA);
		const second = new NasClaims(database.pool, {...ANNA, operator: 'noc-ben', pid: 5151});
		expect(await first.claim(BNG)).toEqual({claimed: true, waited: false});
		const refused = await second.claim(BNG);
		expect(refused).toMatchObject({claimed: false, reason: 'held'});
		expect(refused.claimed ? '' : refused.message).toMatch(
			/^bng-1 is being disconnected by noc-anna@noc1 \(pid 4242, \d+ (s|min|h) ago\)$/,
		);
		expect(await findClaimHolders(database.pool, [BNG, {ip: '10.20.0.9', name: 'bng-9'}])).toEqual(new Map([[BNG.ip, ANNA]]));
		await first.release();
		expect(await second.claim(BNG)).toEqual({claimed: true, waited: false});
		await second.release();
		expect(await findClaimHolders(database.pool, [BNG])).toEqual(new Map());
	});

	it('takes the lock in the database, also on PGlite, and releases it', async () => {
		const db: Queryable = database.pglite ?? database.pool;
		const claims = new NasClaims(db, ANNA);
		expect((await claims.claim(BNG)).claimed).toBe(true);
		const [namespace, key] = nasClaimKey(BNG.ip);
		// pg_locks is the whole server's: this database's locks only (other test files claim the same NAS IP meanwhile).
		const locks =
			'SELECT count(*)::int AS n FROM pg_locks WHERE locktype = $1 AND classid = $2::oid AND objid = $3::oid AND granted ' +
			'AND database = (SELECT oid FROM pg_database WHERE datname = current_database())';
		const args = ['advisory', String(namespace >>> 0), String(key >>> 0)];
		expect((await db.query(locks, args)).rows[0].n).toBe(1);
		await claims.release();
		expect((await db.query(locks, args)).rows[0].n).toBe(0);
	});

	it.runIf(onServer())("another process's claim: refused, told by its application_name; taken once its connection is gone", async () => {
		const other = await foreignClaim();
		const claims = tracked(new NasClaims(cliPool(), currentHolderFor('noc-ben')));
		const refused = await claims.claim(BNG);
		expect(refused.claimed ? '' : refused.message).toMatch(
			/^bng-1 is being disconnected by noc-anna@noc1 \(pid 4242, \d+ (min|h) ago\)$/,
		);
		expect((await findClaimHolders(database.pool, [BNG])).get(BNG.ip)).toEqual(ANNA);
		// The holder dies: the server drops its session and its locks with it.
		await other.release();
		expect(await claims.claim(BNG)).toEqual({claimed: true, waited: false});
		const seen = await database.pool.query(
			"SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.objid = $1::oid " +
				'AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())',
			[String(nasClaimKey(BNG.ip)[1] >>> 0)],
		);
		expect(parseHolderLabel(seen.rows[0]?.application_name)?.operator).toBe('noc-ben');
		await claims.release();
	});

	it.runIf(onServer())('waits for the claim when asked, trying again and telling why', async () => {
		const other = await foreignClaim(null);
		const claims = tracked(new NasClaims(cliPool(), ANNA));
		const waiting = vi.fn();
		setTimeout(() => void other.release(), 250);
		expect(await claims.claim(BNG, {wait: true, pollMs: 50, onWaiting: waiting})).toEqual({claimed: true, waited: true});
		expect(waiting.mock.calls.length).toBeGreaterThanOrEqual(2);
		expect(waiting).toHaveBeenCalledWith(BNG, 'bng-1 is being disconnected by another radtop');
		await claims.release();
	});

	it.runIf(onServer())('stops waiting when the signal fires', async () => {
		await foreignClaim();
		const claims = tracked(new NasClaims(cliPool(), ANNA));
		const stop = new AbortController();
		setTimeout(() => stop.abort(), 120);
		const result = await claims.claim(BNG, {wait: true, pollMs: 50, signal: stop.signal});
		expect(result).toMatchObject({claimed: false, reason: 'aborted'});
		await claims.release();
	});
});

function currentHolderFor(operator: string): ClaimHolder {
	return {operator, host: 'noc2', pid: process.pid, since: new Date()};
}

describe('executeDisconnect and claims', () => {
	async function openSession(username = 'alice'): Promise<string> {
		const [id] = await insertSessions(database.pool, [{username, nasipaddress: BNG.ip, acctsessionid: `81c0${username}`}]);
		return id!;
	}

	it('a NAS claimed by another action: nothing sent to it, its sessions not sent with who holds it', async () => {
		const id = await openSession();
		nas = await startFakeCoaNas({secret: SECRET});
		const held = new NasClaims(database.pool, ANNA);
		expect((await held.claim(BNG)).claimed).toBe(true);
		cleanups.push(async () => held.release());
		const result = await executeDisconnect({kind: 'session', radacctid: id}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
			confirmStopWithinMs: 0,
			operator: OPERATOR,
		});
		expect(nas.received).toHaveLength(0);
		expect(result.results).toEqual([expect.objectContaining({outcome: 'not_sent', method: undefined})]);
		expect(result.results[0]!.reason).toMatch(/^bng-1 is being disconnected by noc-anna@noc1 \(pid 4242, /);
	});

	it('with waitForClaimedNas: waits, then sends only what radacct still has open', async () => {
		const [gone, open] = [await openSession('alice'), await openSession('bob')];
		nas = await startFakeCoaNas({secret: SECRET});
		const held = new NasClaims(database.pool, ANNA);
		expect((await held.claim(BNG)).claimed).toBe(true);
		const waits = vi.fn();
		setTimeout(() => {
			// The other action disconnects alice, its NAS writes her stop, and it ends.
			void database.pool
				.query("UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'Admin-Reset' WHERE radacctid = $1", [gone])
				.then(async () => held.release());
		}, 300);
		const result = await executeDisconnect(
			{kind: 'sessions', radacctids: [gone, open]},
			depsFor(database, registryFor(nas), coaClient),
			{method: 'coa', confirmStopWithinMs: 0, operator: OPERATOR, waitForClaimedNas: true, onClaimWait: waits},
		);
		expect(waits).toHaveBeenCalledWith(
			expect.objectContaining({ip: BNG.ip}),
			expect.stringMatching(/^bng-1 is being disconnected by noc-anna/),
		);
		expect(nas.received.map((request) => sessionIdOf(request))).toEqual(['81c0bob']);
		const outcome = (radacctid: string) => result.results.find((entry) => entry.radacctid === radacctid);
		expect(outcome(gone)).toMatchObject({outcome: 'already_closed', method: undefined});
		expect(outcome(gone)?.reason).toMatch(/^closed in radacct at .* \(Admin-Reset\)$/);
		expect(outcome(open)).toMatchObject({outcome: 'coa'});
	});

	it('an ACK, or a NAK 503, for a session radacct had closed before the request: already closed', async () => {
		const [acked, naked] = [await openSession('alice'), await openSession('bob')];
		const answered = new Set<string>();
		nas = await startFakeCoaNas({
			secret: SECRET,
			answer: (request) => {
				const sessionId = sessionIdOf(request);
				if (!answered.has(sessionId)) {
					// Someone else ended the session a while ago; its stop lands now. This first try goes unanswered.
					answered.add(sessionId);
					void database.pool.query(
						"UPDATE radacct SET acctstoptime = now() - interval '30 seconds', acctterminatecause = 'User-Request' WHERE acctsessionid = $1",
						[sessionId],
					);
					return undefined;
				}
				return sessionId === '81c0alice'
					? {code: PacketCode.DisconnectAck}
					: {code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: 503}]};
			},
		});
		const result = await executeDisconnect(
			{kind: 'sessions', radacctids: [acked, naked]},
			depsFor(database, registryFor(nas), coaClient),
			{method: 'coa', confirmStopWithinMs: 0, operator: OPERATOR},
		);
		for (const entry of result.results) {
			expect(entry).toMatchObject({outcome: 'already_closed', method: 'coa'});
			expect(entry.reason).toMatch(/^closed in radacct at .* \(User-Request\) before the request; (ACK|NAK)/);
		}
	});

	it('an ACK whose stop comes after it is the disconnect radtop made', async () => {
		const id = await openSession();
		nas = await startFakeCoaNas({
			secret: SECRET,
			answer: () => {
				void database.pool.query('UPDATE radacct SET acctstoptime = now() WHERE radacctid = $1', [id]);
				return {code: PacketCode.DisconnectAck};
			},
		});
		const result = await executeDisconnect({kind: 'session', radacctid: id}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
			confirmPollMs: 50,
			confirmStopWithinMs: 2000,
			operator: OPERATOR,
		});
		expect(result.results[0]).toMatchObject({outcome: 'coa', stop: 'confirmed'});
	});
});
