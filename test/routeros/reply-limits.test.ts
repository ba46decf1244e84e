import {afterEach, describe, expect, it} from 'vitest';
import {CommandTable} from '../../source/routeros/command-table.js';
import {
	emptyTally,
	MAX_LOGIN_BYTES,
	MAX_REPLY_BYTES,
	MAX_REPLY_SENTENCES,
	MAX_REPLY_WORDS,
	MAX_WORD_BYTES,
	REPLY_LIMITS,
	sentenceBytes,
	tallySentence,
} from '../../source/routeros/reply-limits.js';
import {RouterOsClient} from '../../source/routeros/routeros-client.js';
import {RouterOsError} from '../../source/routeros/routeros-error.js';
import {encodeLength, RouterOsProtocolError, SentenceDecoder} from '../../source/routeros/words.js';
import {FakeRouterOs, type PppActiveEntry} from '../helpers/fake-routeros.js';
import {FloodingRouterOs, peakRssGrowth, type Flood} from '../helpers/flooding-routeros.js';

/** Far less than the gigabytes an unbounded client reaches in the seconds before its timeout. */
const MAX_GROWTH = 100 * 1024 * 1024;

describe('reply limits', () => {
	it('are well above the largest /ppp/active a big BNG lists (20,000 sessions of about 15 words, 9 MB)', () => {
		expect(MAX_REPLY_SENTENCES).toBeGreaterThanOrEqual(2 * 20_000);
		expect(MAX_REPLY_WORDS).toBeGreaterThanOrEqual(2 * 20_000 * 15);
		expect(MAX_REPLY_BYTES).toBeGreaterThanOrEqual(2 * 9_000_000);
	});

	it('tally each sentence and name the first limit passed', () => {
		const limits = {maxSentences: 2, maxWords: 10, maxBytes: 100};
		const tally = emptyTally();
		expect(tallySentence(tally, 3, 30, limits, '/ppp/active/print')).toBeUndefined();
		expect(tallySentence(tally, 3, 30, limits, '/ppp/active/print')).toBeUndefined();
		expect(tallySentence(tally, 1, 1, limits, '/ppp/active/print')).toBe('reply to /ppp/active/print exceeds 2 sentences');
		expect(tallySentence(emptyTally(), 11, 1, limits, '/x')).toBe('reply to /x exceeds 10 words');
		expect(tallySentence(emptyTally(), 1, 101, limits, '/x')).toBe('reply to /x exceeds 100 bytes');
	});

	it('count the UTF-8 bytes of the words', () => {
		expect(sentenceBytes(['!re', '=name=åsa'])).toBe(3 + 10);
	});

	it('stop a command whose reply passes them, rows or trap alike, and leave other commands alone', () => {
		const table = new CommandTable('bng-2 API (10.0.0.2:8728)', {maxSentences: 3, maxWords: 100, maxBytes: 1000});
		const rows = table.add('1', '/ppp/active/print', undefined, () => undefined);
		const other = table.add('2', '/ip/hotspot/active/print', undefined, () => undefined);
		const row = {type: 're' as const, tag: '1', attributes: {name: 'alice'}};
		expect(table.route(row, 3, 20)).toBeUndefined();
		expect(table.route(row, 3, 20)).toBeUndefined();
		expect(table.route({type: 'trap', tag: '1', message: 'x', attributes: {}}, 2, 10)).toBeUndefined();
		expect(table.route(row, 3, 20)).toBe('reply to /ppp/active/print exceeds 3 sentences');
		expect(table.route({type: 'done', tag: '2', attributes: {}}, 1, 5)).toBeUndefined();
		return Promise.all([expect(rows).rejects.toThrow('failed: x'), expect(other).resolves.toEqual([])]);
	});

	it('are what the client applies by default', () => {
		expect(REPLY_LIMITS).toEqual({maxSentences: MAX_REPLY_SENTENCES, maxWords: MAX_REPLY_WORDS, maxBytes: MAX_REPLY_BYTES});
	});
});

describe('SentenceDecoder.setLimits', () => {
	it('refuses a word announced past the new limit at its length prefix', () => {
		const decoder = new SentenceDecoder({maxWordBytes: 16});
		expect(decoder.push(Buffer.from([3, 0x61, 0x62, 0x63, 0]))).toEqual([['abc']]);
		decoder.setLimits({maxWordBytes: 1024});
		expect(decoder.push(Buffer.concat([encodeLength(100), Buffer.alloc(100, 0x61), Buffer.from([0])]))).toEqual([['a'.repeat(100)]]);
		decoder.setLimits({maxWordBytes: 16});
		expect(() => decoder.push(encodeLength(2 ** 28))).toThrow(RouterOsProtocolError);
		expect(() => decoder.push(encodeLength(2 ** 28))).toThrow('word of 268435456 bytes exceeds the limit of 16 bytes');
	});

	it('checks the limits it is given', () => {
		expect(() => new SentenceDecoder().setLimits({maxSentenceBytes: 0})).toThrow(RangeError);
	});
});

describe('RouterOsClient against a flooding router', () => {
	const servers: FloodingRouterOs[] = [];
	const clients: RouterOsClient[] = [];
	afterEach(async () => {
		await Promise.all(clients.splice(0).map(async (client) => client.close()));
		await Promise.all(servers.splice(0).map(async (server) => server.close()));
	});

	async function flooding(flood: Flood): Promise<FloodingRouterOs> {
		const server = await FloodingRouterOs.start(flood);
		servers.push(server);
		return server;
	}

	// Timeouts far longer than the test: what stops the flood must be the limits, not a timer.
	const connectOptions = (port: number) =>
		({
			host: '127.0.0.1',
			port,
			user: 'noc',
			password: 'secret',
			name: 'bng-2',
			connectTimeoutMs: 60_000,
			commandTimeoutMs: 60_000,
		}) as const;

	async function connected(flood: Flood): Promise<RouterOsClient> {
		const server = await flooding(flood);
		const client = await RouterOsClient.connect(connectOptions(server.port));
		clients.push(client);
		return client;
	}

	function protocolError(result: PromiseSettledResult<unknown>): RouterOsError {
		expect(result.status).toBe('rejected');
		const error = (result as PromiseRejectedResult).reason as unknown;
		expect(error).toBeInstanceOf(RouterOsError);
		expect((error as RouterOsError).kind).toBe('protocol');
		return error as RouterOsError;
	}

	it('ends a print answered by !re rows without end, with flat memory', {timeout: 30_000}, async () => {
		const client = await connected('rows');
		const {result, growth} = await peakRssGrowth(async () => client.print('/ppp/active'));
		const error = protocolError(result);
		expect(error.message).toMatch(
			/^bng-2 API \(127\.0\.0\.1:\d+\): protocol error: reply to \/ppp\/active\/print exceeds \d+ (sentences|words|bytes)$/,
		);
		expect(client.closed).toBe(true);
		expect(growth).toBeLessThan(MAX_GROWTH);
	});

	it('refuses a word announced as 2^28 bytes before buffering it, with flat memory', {timeout: 30_000}, async () => {
		const client = await connected('giant-word');
		const {result, growth} = await peakRssGrowth(async () => client.print('/ppp/active'));
		const error = protocolError(result);
		expect(error.message).toContain(
			`protocol error: RouterOS API word of ${2 ** 28} bytes exceeds the limit of ${MAX_WORD_BYTES} bytes`,
		);
		expect(client.closed).toBe(true);
		expect(growth).toBeLessThan(MAX_GROWTH);
	});

	it('ends a login answered by !re rows without end, after a few KiB', {timeout: 30_000}, async () => {
		const server = await flooding('login-rows');
		const {result, growth} = await peakRssGrowth(async () => RouterOsClient.connect(connectOptions(server.port)));
		const error = protocolError(result);
		expect(error.message).toMatch(new RegExp(`protocol error: more than ${MAX_LOGIN_BYTES} bytes received while logging in$`));
		expect(growth).toBeLessThan(MAX_GROWTH);
	});

	it('refuses a giant word in the login reply at its length prefix', {timeout: 30_000}, async () => {
		const server = await flooding('login-giant-word');
		const {result} = await peakRssGrowth(async () => RouterOsClient.connect(connectOptions(server.port)));
		const error = protocolError(result);
		expect(error.message).toContain(`word of ${2 ** 28} bytes exceeds the limit of ${MAX_LOGIN_BYTES} bytes`);
		expect(error.message).toContain('while logging in');
	});
});

describe('RouterOsClient within the limits', () => {
	it('lists the 20,000 sessions of a big BNG in one print', {timeout: 60_000}, async () => {
		const pppActive: PppActiveEntry[] = Array.from({length: 20_000}, (_, index) => ({
			name: `subscriber-${index}@isp.example`,
			service: 'pppoe',
			'caller-id': 'AA:BB:CC:00:00:01',
			address: `100.64.${index >> 8}.${index & 255}`,
			uptime: '3d4h5m6s',
			'session-id': `0x${(0x81_00_00_00 + index).toString(16)}`,
		}));
		const fake = await FakeRouterOs.start({user: 'noc', password: 'secret', pppActive});
		try {
			const client = await RouterOsClient.connect({
				host: fake.host,
				port: fake.port,
				user: 'noc',
				password: 'secret',
				commandTimeoutMs: 30_000,
			});
			try {
				const rows = await client.print('/ppp/active');
				expect(rows).toHaveLength(20_000);
				expect(rows[19_999]?.['name']).toBe('subscriber-19999@isp.example');
			} finally {
				await client.close();
			}
		} finally {
			await fake.close();
		}
	});
});
