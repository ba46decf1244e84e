/**
 * `radtop simulate`'s flags and output, in this process on a real database (PostgreSQL with DATABASE_URL, else
 * PGlite): ports that would run past 65535 are refused before anything starts, and a NAS name from the nas
 * table is sanitised before it reaches the terminal.
 */
import {PassThrough} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CommandContext} from '../../source/commands/context.js';
import {checkPortRange, parseSimulateFlags, runningNasLine, runSimulate} from '../../source/commands/simulate.js';
import {UsageError} from '../../source/commands/usage.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let context: CommandContext;

/** Sets the pane title and clears the screen, in 7-bit and 8-bit form. */
const HOSTILE_NAME = 'bng\x1b]2;owned\x07\x1b[2J\u009b2J';

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(
		`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.20.0.1', $1, 'other', 's1'), ('10.20.0.2', 'b', 'other', 's2')`,
		[HOSTILE_NAME],
	);
	const opened = {label: 'test', pool: database.pool, close: async () => undefined};
	context = {database: opened, primary: opened} as unknown as CommandContext;
}, 60_000);

afterAll(async () => {
	await database?.close();
});

function output(): {stream: NodeJS.WritableStream; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	return {stream, text: () => text};
}

function usageMessage(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}
	throw new Error('expected a UsageError');
}

describe('radtop simulate', () => {
	it('checks its flags without a database', () => {
		expect(parseSimulateFlags({})).toMatchObject({host: '127.0.0.1', coaPort: 0, apiPort: 0, liveIntervalMs: 2000, nas: []});
		expect(parseSimulateFlags({coaPort: '3799', nas: ['a', 'b'], dropRate: '0.5'})).toMatchObject({
			coaPort: 3799,
			nas: ['a', 'b'],
			faults: {dropRate: 0.5},
		});
		expect(usageMessage(() => parseSimulateFlags({coaPort: '65536'}))).toMatch(/^--coa-port/);
		expect(usageMessage(() => parseSimulateFlags({host: '10.0.0.1'}))).toBe(
			'--host must be a loopback address: the simulator is for tests',
		);
	});

	it('refuses a first port whose last NAS would be past 65535', () => {
		expect(() => checkPortRange(65_535, 1, 'coa-port')).not.toThrow();
		expect(() => checkPortRange(65_534, 2, 'coa-port')).not.toThrow();
		expect(() => checkPortRange(0, 5000, 'coa-port')).not.toThrow();
		expect(usageMessage(() => checkPortRange(65_535, 2, 'coa-port'))).toBe(
			'--coa-port 65535 with 2 NAS needs ports 65535 to 65536, past 65535: give at most 65534',
		);
		expect(usageMessage(() => checkPortRange(65_000, 600, 'api-port'))).toMatch(/^--api-port 65000 with 600 NAS .*give at most 64936$/);
	});

	it('refuses --coa-port 65535 for two NAS, and --api-port the same, before any NAS starts', async () => {
		const out = output();
		const coa = parseSimulateFlags({coaPort: '65535', nas: ['10.20.0.1', 'b']});
		await expect(runSimulate(context, coa, out.stream, () => Promise.resolve())).rejects.toThrow(
			'--coa-port 65535 with 2 NAS needs ports 65535 to 65536',
		);
		const api = parseSimulateFlags({api: true, apiPort: '65535'});
		await expect(runSimulate(context, api, out.stream, () => Promise.resolve())).rejects.toThrow('--api-port 65535 with 2 NAS');
		// Without --api, --api-port is not used.
		expect(out.text()).toBe('');
	});

	it('prints a NAS name from the nas table sanitised, when it starts and when it stops', async () => {
		const out = output();
		await runSimulate(context, parseSimulateFlags({}), out.stream, () => Promise.resolve());
		const text = out.text();
		for (const raw of ['\x07', '\x1b', '\u009b']) expect(text).not.toContain(raw);
		expect(text).toMatch(/^bng\\x1b\]2;owned\\x07\\x1b\[2J\\x9b2J 10\.20\.0\.1 +CoA 127\.0\.0\.1:\d+$/m);
		expect(text).toMatch(/^b +10\.20\.0\.2 +CoA 127\.0\.0\.1:\d+$/m);
		expect(text).toContain('bng\\x1b]2;owned\\x07\\x1b[2J\\x9b2J: 0 received, 0 ACK');
	});

	it('sanitises the API part of a line', () => {
		expect(runningNasLine({name: 'n\u009d', ip: '10.0.0.1', host: '127.0.0.1', coaPort: 1, apiPort: 2})).toBe(
			'n\\x9d        10.0.0.1         CoA 127.0.0.1:1  API 127.0.0.1:2',
		);
	});
});
