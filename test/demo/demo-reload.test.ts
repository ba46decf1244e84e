/**
 * The demo's NAS reload: the seed writes bng-3's nasreload row and a few open sessions it dropped then, and the
 * simulator, which reads nasreload when it starts, behaves as a rebooted NAS: CoA finds none of those sessions
 * (NAK 503), live traffic sends no interim update for them, and every other session carries on.
 */
import {PGlite} from '@electric-sql/pglite';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {demoSimulatorConfig, startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import {DEMO_RELOAD, generateDemoNetwork, seedDemoDatabase} from '../../source/demo/seed.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {isGhostCandidate} from '../../source/sessions/ghost.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-12-03T09:00:00Z');
const BNG_3 = DEMO_NAS.find((nas) => nas.name === DEMO_RELOAD.nas)!;

let db: PGlite;
let simulator: NasSimulator;
const client = new CoaClient({timeoutMs: 500, retries: 0});

interface OpenRow {
	acctuniqueid: string;
	username: string;
	acctsessionid: string;
	framedipaddress: string;
	acctstarttime: Date;
	acctupdatetime: Date | null;
}

async function openOnBng3(): Promise<OpenRow[]> {
	const {rows} = await db.query<OpenRow>(
		`SELECT acctuniqueid, username, acctsessionid, host(framedipaddress) AS framedipaddress, acctstarttime, acctupdatetime
		FROM radacct WHERE nasipaddress = $1::inet AND acctstoptime IS NULL ORDER BY radacctid`,
		[BNG_3.ip],
	);
	return rows;
}

const reloadedAt = new Date(NOW.getTime() - DEMO_RELOAD.agoSeconds * 1000);
const ghost = (row: OpenRow) =>
	isGhostCandidate(makeSession({acctstarttime: row.acctstarttime, acctupdatetime: row.acctupdatetime}), reloadedAt);

beforeAll(async () => {
	db = await PGlite.create();
	await seedDemoDatabase(db, {now: NOW, openSessions: 400, closedSessions: 20, seed: 3, reload: DEMO_RELOAD});
	simulator = await startNasSimulator({db, nas: demoSimulatorConfig(), now: () => NOW, seed: 2, stopDelayMs: 20});
}, 60_000);

afterAll(async () => {
	await client.close();
	await simulator?.close();
	await db?.close();
});

describe('the demo reload', () => {
	it('is a nasreload row for bng-3, and the rest of the network is drawn as without it', async () => {
		const {rows} = await db.query<{ip: string; reloadtime: Date}>('SELECT host(nasipaddress) AS ip, reloadtime FROM nasreload');
		expect(rows).toEqual([{ip: BNG_3.ip, reloadtime: reloadedAt}]);
		const plain = generateDemoNetwork({now: NOW, openSessions: 400, closedSessions: 20, seed: 3});
		const reloaded = generateDemoNetwork({now: NOW, openSessions: 400, closedSessions: 20, seed: 3, reload: DEMO_RELOAD});
		expect(reloaded.starts.slice(0, plain.starts.length)).toEqual(plain.starts);
		expect(reloaded.starts.length - plain.starts.length).toBe(DEMO_RELOAD.ghosts);
		expect(plain.reloads).toEqual([]);
	});

	it('leaves a few ghost candidates on bng-3, the ones it added silent for less than twice its interim interval', async () => {
		const ghosts = (await openOnBng3()).filter(ghost);
		expect(ghosts.length).toBeGreaterThanOrEqual(DEMO_RELOAD.ghosts);
		const added = ghosts.slice(-DEMO_RELOAD.ghosts);
		for (const row of added) {
			const silent = (NOW.getTime() - row.acctupdatetime!.getTime()) / 1000;
			expect(silent).toBeGreaterThan(DEMO_RELOAD.agoSeconds);
			expect(silent).toBeLessThan(2 * BNG_3.interimInterval);
		}
	});

	it('bng-3 no longer has them: a Disconnect-Request for a ghost is NAKed 503, one for a session it kept is ACKed', async () => {
		const rows = await openOnBng3();
		const dropped = rows.filter(ghost).at(-1)!;
		const kept = rows.find((row) => !ghost(row))!;
		const nas = simulator.nas.find((candidate) => candidate.name === BNG_3.name)!;
		const send = (row: OpenRow) =>
			client.send(
				{host: nas.host, port: nas.coaPort, secret: nas.secret, name: nas.name},
				{
					code: PacketCode.DisconnectRequest,
					messageAuthenticator: true,
					attributes: [
						{name: 'User-Name', value: row.username},
						{name: 'Acct-Session-Id', value: row.acctsessionid},
						{name: 'Framed-IP-Address', value: row.framedipaddress},
					],
				},
			);
		expect(await send(dropped)).toMatchObject({kind: 'nak', errorCause: 503});
		expect(await send(kept)).toMatchObject({kind: 'ack'});
	});

	it('live traffic sends no interim update for a ghost, and goes on for the others', async () => {
		const before = new Map((await openOnBng3()).map((row) => [row.acctuniqueid, row]));
		const traffic = simulator.startLiveTraffic({intervalMs: 3_600_000, interimsPerNas: 1000, logoutChance: 0, loginsPerNas: 0});
		await traffic.tick();
		await traffic.stop();
		const after = await openOnBng3();
		const updated = after.filter((row) => row.acctupdatetime?.getTime() !== before.get(row.acctuniqueid)?.acctupdatetime?.getTime());
		expect(updated.length).toBeGreaterThan(0);
		expect(updated.filter((row) => ghost(before.get(row.acctuniqueid)!))).toEqual([]);
		expect(after.filter(ghost).length).toBe([...before.values()].filter(ghost).length);
	});
});
