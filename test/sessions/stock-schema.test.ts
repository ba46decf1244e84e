/**
 * radtop on FreeRADIUS's own stock PostgreSQL schema (Debian's freeradius-postgresql ships it; CI installs
 * it): the accounting queries' rows read back, and radtop's own DDL has the same columns, types and indexes.
 */
import {existsSync, readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {recordInterims, recordStarts, recordStops} from '../../source/demo/accounting.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const STOCK_SCHEMA = process.env['RADTOP_STOCK_SCHEMA'] ?? '/etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql';
const haveStock = existsSync(STOCK_SCHEMA);

describe.runIf(haveStock)('the stock FreeRADIUS schema', () => {
	let stock: TestDatabase;
	let ours: TestDatabase;

	beforeAll(async () => {
		stock = await createTestDatabase({schema: false});
		await stock.pool.query(readFileSync(STOCK_SCHEMA, 'utf8'));
		ours = await createTestDatabase();
	}, 120_000);

	afterAll(async () => {
		await stock?.close();
		await ours?.close();
	});

	async function describeTable(db: TestDatabase, table: string) {
		const columns = await db.pool.query(
			`SELECT column_name, data_type, is_nullable FROM information_schema.columns
			WHERE table_name = $1 AND table_schema = 'public' ORDER BY column_name`,
			[table],
		);
		const indexes = await db.pool.query(
			"SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND schemaname = 'public' ORDER BY indexname",
			[table],
		);
		return {
			columns: columns.rows,
			indexes: indexes.rows.map((row) => String(row.indexdef).replace(/\bIF NOT EXISTS\b/, '')),
		};
	}

	it('has the columns, types and indexes radtop keeps in its own DDL', async () => {
		expect(await describeTable(ours, 'radacct')).toEqual(await describeTable(stock, 'radacct'));
		const nas = await describeTable(stock, 'nas');
		expect((await describeTable(ours, 'nas')).columns).toEqual(nas.columns);
		expect(await describeTable(ours, 'nasreload')).toEqual(await describeTable(stock, 'nasreload'));
	});

	it('reads back what the accounting queries wrote', async () => {
		const now = Math.floor(Date.now() / 1000);
		const start = {
			acctSessionId: '81a00001',
			acctUniqueId: 'f00d',
			userName: 'alice@isp.example',
			realm: 'isp.example',
			nasIpAddress: '10.20.0.1',
			nasPortId: 'vlan100',
			nasPortType: 'Ethernet',
			timestamp: now - 900,
			connectInfo: '1Gbps',
			calledStationId: 'pppoe',
			callingStationId: 'AA:BB:CC:00:00:01',
			serviceType: 'Framed-User',
			framedProtocol: 'PPP',
			framedIpAddress: '100.64.0.10',
		};
		await recordStarts(stock.pool, [
			start,
			{...start, acctSessionId: '81a00002', acctUniqueId: 'beef', userName: 'bob', framedIpAddress: '100.64.0.11'},
		]);
		const update = {
			acctUniqueId: 'f00d',
			timestamp: now - 600,
			sessionTime: 300,
			inputOctets: 10,
			outputOctets: 5 * 2 ** 32 + 7,
			framedIpAddress: '100.64.0.10',
		};
		await recordInterims(stock.pool, [update]);
		await recordInterims(stock.pool, [{...update, timestamp: now - 300, sessionTime: 600, outputOctets: 6 * 2 ** 32}]);
		await recordStops(stock.pool, [
			{
				acctUniqueId: 'beef',
				timestamp: now - 60,
				sessionTime: 840,
				inputOctets: 1,
				outputOctets: 2,
				framedIpAddress: '100.64.0.11',
				terminateCause: 'User-Request',
				connectInfo: '',
			},
		]);
		await stock.pool.query("INSERT INTO nas (nasname, shortname, secret) VALUES ('10.20.0.1', 'bng-1', 'x')");

		const source = await SessionSource.open(stock.pool);
		const open = await source.list({status: 'active'}, {key: 'start', direction: 'desc'}, {limit: 10});
		expect(open.rows).toHaveLength(1);
		const alice = open.rows[0]!;
		expect(alice).toMatchObject({
			username: 'alice@isp.example',
			nasname: 'bng-1',
			framedipaddress: '100.64.0.10',
			acctoutputoctets: 6 * 2 ** 32,
			acctinterval: 300,
			acctsessiontime: 600,
		});
		const closed = await source.list({status: 'closed'}, {key: 'start', direction: 'desc'}, {limit: 10});
		expect(closed.rows.map((row) => [row.username, row.acctterminatecause, row.acctsessiontime])).toEqual([
			['bob', 'User-Request', 840],
		]);
		const stats = await source.stats();
		expect(stats.perNas).toEqual([{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 1, stale: 0}]);
	});
});
