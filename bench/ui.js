/**
 * bench:ui — how fast and how lean the console redraws, with 100,000 open sessions in a real database.
 *
 * Renders the real App (dist/ui/app.js) with Ink's render(), incremental rendering on, through the same
 * incrementalSafeStdout wrapper the console uses, on a fake 80x24 TTY whose write() records every chunk with
 * its time, and a fake stdin (ink-testing-library's pattern). The data is PostgreSQL: the embedded PGlite
 * (contents 'empty') with 100,000 open sessions inserted server-side by one generate_series INSERT, served on
 * a loopback port from a worker thread (so its WebAssembly does not run on the UI's thread, as a real server
 * would not) and read through a pg Pool (max 1) wrapped in SessionSource.open, as radtop reads it.
 *
 * Measured, per keystroke (each after the screen has gone quiet):
 *  - latency from writing the key to stdin to the first stdout write of the frame that shows it; for keys that
 *    fetch (page down, search, sort) also to the first frame written after that fetch returned;
 *  - bytes of that frame, and all bytes written from the key until the screen went quiet;
 *  - for a refresh (`r`) when nothing changed: the bytes, split by screen area (header lines, table, status);
 *  - any full-terminal clear (ESC[2J, ESC[3J, ESC c) written after the first frame.
 * The production settings are measured (COLOR_THEME, maxFps 30); cursor move and page down also unthrottled.
 *
 * Knobs (env): BENCH_UI_SESSIONS (100000), BENCH_UI_SCALE (1: multiplies every iteration count),
 * BENCH_UI_QUIET_MS (60: how long the screen must stay unwritten before the next key), BENCH_UI_CURSOR_ONLY=1
 * (only the cursor-move case, for quick comparisons), BENCH_UI_DEBUG=1 (prints the frames of refreshes that
 * touched the table). NODE_ENV=production measures with
 * React's production build, which the CLI uses (it sets NODE_ENV=production unless already set).
 * Exit status: 0 when it measured (a missed target is a result, not a failure), 1 on an error.
 */
import {EventEmitter} from 'node:events';
import os from 'node:os';
import {performance} from 'node:perf_hooks';
import {stripVTControlCharacters} from 'node:util';
import {isMainThread, parentPort as workerThreadPort, Worker, workerData} from 'node:worker_threads';
import {intEnv} from './lib/env.js';

const SESSIONS = intEnv('BENCH_UI_SESSIONS', 100_000);
const SCALE = Number(process.env['BENCH_UI_SCALE'] ?? 1) || 1;
const COLUMNS = 80;
const ROWS = 24;
const QUIET_MS = intEnv('BENCH_UI_QUIET_MS', 60);
const NAMES = [
	'anna',
	'boris',
	'chen',
	'dmitri',
	'elena',
	'farid',
	'greta',
	'hugo',
	'ines',
	'jonas',
	'kasia',
	'luca',
	'maria',
	'nikos',
	'olga',
	'pavel',
	'quinn',
	'rosa',
	'sven',
	'tomas',
	'ulla',
	'vera',
	'wanda',
	'xavier',
	'yusuf',
	'zofia',
	'amir',
	'bea',
	'carl',
	'dana',
];

/** @param {number} n */
const iterations = (n) => Math.max(5, Math.round(n * SCALE));

/** @typedef {{t: number, chunk: string, bytes: number}} Write One write to the terminal. */
/** @typedef {{t: number, chunks: string[], bytes: number, index: number, text: string}} Frame */
/** @typedef {import('../dist/sessions/session.js').SessionFilter} Filter */
/** @typedef {import('../dist/sessions/session.js').SessionSort} Sort */
/** @typedef {{t: number, startedAt: number, filter: Filter, sort: Sort, window: {offset: number, limit: number}}} Fetch */
/** @typedef {{t: number, frame: number, write: number}} Mark Where the frame and write lists stood at a key press. */
/** @typedef {(text: string, frame: Frame) => boolean} FrameTest */
/** @typedef {(fetch: Fetch) => boolean} FetchTest */
/**
 * What the console is rendered with, imported once the environment is set up.
 * @typedef {object} Modules
 * @property {typeof import('react')} React
 * @property {typeof import('ink').render} render
 * @property {typeof import('../dist/ui/app.js').App} App
 * @property {typeof import('../dist/ui/theme.js').ThemeContext} ThemeContext
 * @property {typeof import('../dist/terminal/ink-stdout.js').incrementalSafeStdout} incrementalSafeStdout
 */
/** @typedef {Parameters<typeof import('../dist/ui/app.js').App>[0]['source']} AppSource */

// ---------------------------------------------------------------------------------------------------------
// The database, in a worker thread.

/**
 * 100,000 open sessions on 6 NAS (uneven shares), started over the last 14 days (most in the last day, so the
 * newest ones show durations in seconds), with an interim update in the last 5 minutes (interval 600 s: none
 * turns stale while the bench runs).
 */
/** @param {number} count */
const SEED_SQL = (count) => `
INSERT INTO nas (nasname, shortname, type, secret, description)
SELECT '10.20.0.' || k, 'bng-' || k, 'other', 'bench-secret-' || k, 'bench NAS ' || k FROM generate_series(1, 6) AS k;
INSERT INTO radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype,
	acctstarttime, acctupdatetime, acctinterval, acctsessiontime, acctauthentic, connectinfo_start,
	acctinputoctets, acctoutputoctets, calledstationid, callingstationid, servicetype, framedprotocol, framedipaddress)
SELECT upper(lpad(to_hex(i), 8, '0')), md5('radtop-ui-bench-' || i),
	(ARRAY[${NAMES.map((name) => `'${name}'`).join(',')}])[1 + i % ${NAMES.length}] || '.' || (i * 7919) % 60000
		|| CASE WHEN i % 4 = 0 THEN '@isp.example' ELSE '' END,
	CASE WHEN i % 4 = 0 THEN 'isp.example' END,
	('10.20.0.' || nas)::inet, 'vlan' || (100 + i % 3000), 'Ethernet',
	start, updated, 600, extract(epoch FROM updated - start)::bigint, 'RADIUS', '1Gbps',
	(extract(epoch FROM updated - start) * rate * 0.1)::bigint, (extract(epoch FROM updated - start) * rate)::bigint,
	'pppoe-bng-' || nas,
	(ARRAY['AA:BB:CC','D4:CA:6D','E4:8D:8C'])[1 + i % 3] || ':' || substr(mac, 1, 2) || ':' || substr(mac, 3, 2) || ':' || substr(mac, 5, 2),
	'Framed-User', 'PPP', '100.64.0.0'::inet + i
FROM (
	SELECT i, start, greatest(start, now() - random() * 300 * interval '1 second') AS updated, rate, nas, mac
	FROM (
		SELECT i,
			now() - (5 + least(14 * 86400, -ln(1 - random()) * 72000)) * interval '1 second' AS start,
			1000 + random() * 400000 AS rate,
			CASE WHEN (i * 7) % 100 < 34 THEN 1 WHEN (i * 7) % 100 < 58 THEN 2 WHEN (i * 7) % 100 < 74 THEN 3
				WHEN (i * 7) % 100 < 86 THEN 4 WHEN (i * 7) % 100 < 95 THEN 5 ELSE 6 END AS nas,
			lpad(upper(to_hex((i * 2654435761) % 16777216)), 6, '0') AS mac
		FROM generate_series(1, ${count}) AS g(i)
	) AS drawn
) AS timed`;

/**
 * The subscriber behind each user (for the case with the subscriber columns): a plan group in radusergroup
 * whose Session-Timeout and rate limit are in radgroupreply, a Session-Timeout of their own for a quarter in
 * radreply, and a billing table (full name, service, location) with a row per user.
 */
const SUBSCRIBER_SQL = `
-- the authorisation tables
CREATE TABLE subscribers (username text PRIMARY KEY, full_name text, service text, location text);
CREATE TEMP TABLE bench_users AS SELECT username, row_number() OVER (ORDER BY username) AS n FROM (SELECT DISTINCT username FROM radacct) AS u;
INSERT INTO radusergroup (username, groupname, priority)
	SELECT username, (ARRAY['fiber-100', 'fiber-500', 'dsl-20', 'hotspot-1h'])[1 + n % 4], 1 FROM bench_users;
INSERT INTO radreply (username, attribute, op, value)
	SELECT username, 'Session-Timeout', ':=', (3600 * (1 + n % 24))::text FROM bench_users WHERE n % 4 = 1;
INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
	('fiber-100', 'Session-Timeout', '=', '86400'), ('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M'),
	('fiber-500', 'Session-Timeout', '=', '86400'), ('dsl-20', 'Session-Timeout', '=', '14400'),
	('hotspot-1h', 'Session-Timeout', ':=', '3600');
INSERT INTO subscribers SELECT username, 'Subscriber ' || n, (ARRAY['Fiber 100', 'Fiber 500', 'DSL 20', 'Hotspot'])[1 + n % 4],
	(ARRAY['Amsterdam', 'Berlin', 'Lisbon'])[1 + n % 3] FROM bench_users;
DROP TABLE bench_users;
ANALYZE radusergroup, radreply, radgroupreply, subscribers;`;

/** The billing query of the case with the subscriber columns. */
const BILLING_QUERY = 'SELECT username, full_name, service, location FROM subscribers WHERE username = ANY ($1::text[])';

async function databaseWorker() {
	const parentPort = /** @type {import('node:worker_threads').MessagePort} */ (workerThreadPort);
	const {startEmbeddedDatabase} = await import('../dist/db/embedded-database.js');
	const started = performance.now();
	const db = await startEmbeddedDatabase({contents: 'empty', onProgress: (message) => parentPort.postMessage({progress: message})});
	await db.pglite.exec(SEED_SQL(workerData.sessions));
	await db.pglite.exec('VACUUM ANALYZE radacct');
	await db.pglite.exec('VACUUM ANALYZE nas');
	const {FREERADIUS_AUTHORISATION_SQL} = await import('../dist/db/freeradius-schema.js');
	await db.pglite.exec(`${FREERADIUS_AUTHORISATION_SQL}\n${SUBSCRIBER_SQL}`);
	parentPort.postMessage({url: db.url, seedMs: performance.now() - started});
	parentPort.on('message', async (message) => {
		if (message === 'close') {
			await db.close();
			parentPort.postMessage({closed: true});
		}
	});
}

function startDatabase() {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL(import.meta.url), {workerData: {sessions: SESSIONS}});
		worker.on('error', reject);
		worker.on('exit', (code) => {
			if (code !== 0) reject(new Error(`database worker exited with ${code}`));
		});
		worker.on('message', (message) => {
			if (message.progress) console.log(`  ${message.progress}`);
			if (message.url) {
				resolve({
					url: message.url,
					seedMs: message.seedMs,
					close: () =>
						new Promise((done) => {
							const timer = setTimeout(() => void worker.terminate().then(done), 5000);
							worker.on('message', (reply) => {
								if (reply.closed) {
									clearTimeout(timer);
									void worker.terminate().then(done);
								}
							});
							worker.postMessage('close');
						}),
				});
			}
		});
	});
}

// ---------------------------------------------------------------------------------------------------------
// The fake terminal.

const BSU = '\x1b[?2026h';
const ESU = '\x1b[?2026l';
// eslint-disable-next-line no-control-regex -- ESC starts each of the clearing sequences a frame is checked for
const FULL_CLEAR = /\x1b\[2J|\x1b\[3J|\x1bc/;

class FakeStdout extends EventEmitter {
	isTTY = true;
	columns = COLUMNS;
	rows = ROWS;
	/**
	 * Every write: {t, chunk, bytes}.
	 * @type {Write[]}
	 */
	writes = [];
	/**
	 * Writes grouped into frames: a synchronized-output group (BSU … ESU), or a lone write.
	 * @type {Frame[]}
	 */
	frames = [];
	/** @type {(Omit<Frame, 'text'> & {text?: string}) | null} */
	#open = null;

	/**
	 * @param {string | Uint8Array} chunk
	 * @param {unknown} [encoding]
	 * @param {unknown} [callback]
	 */
	write = (chunk, encoding, callback) => {
		const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		const record = {t: performance.now(), chunk: text, bytes: Buffer.byteLength(text, 'utf8')};
		this.writes.push(record);
		if (text === BSU) {
			this.#open = {t: record.t, chunks: [text], bytes: record.bytes, index: this.writes.length - 1};
		} else if (this.#open) {
			this.#open.chunks.push(text);
			this.#open.bytes += record.bytes;
			if (text === ESU) this.#close();
		} else {
			this.frames.push({
				t: record.t,
				chunks: [text],
				bytes: record.bytes,
				index: this.writes.length - 1,
				text: stripVTControlCharacters(text),
			});
			this.emit('frame');
		}
		const done = typeof encoding === 'function' ? encoding : callback;
		if (typeof done === 'function') done();
		return true;
	};

	#close() {
		const frame = /** @type {Omit<Frame, 'text'> & {text?: string}} */ (this.#open);
		this.#open = null;
		frame.text = stripVTControlCharacters(frame.chunks.join(''));
		this.frames.push(/** @type {Frame} */ (frame));
		this.emit('frame');
	}
}

/** ink-testing-library's Stdin: write() hands Ink the data through 'readable' and read(). */
class FakeStdin extends EventEmitter {
	isTTY = true;
	/** @type {string | null} */
	data = null;
	/** @param {string} data */
	write = (data) => {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};
}

class FakeStderr extends EventEmitter {
	write = () => true;
}

/**
 * Splits an incremental frame body into bytes per screen line: after the leading cursor-up, each line is
 * either ESC[E (unchanged, skipped) or ESC[1G <content> ESC[K "\n". Returns {line: bytes}.
 * @param {string} body
 */
function bytesPerLine(body) {
	/** @type {Map<number, number>} */
	const perLine = new Map();
	// eslint-disable-next-line no-control-regex -- ESC starts the cursor-up sequence that opens a redraw
	let rest = body.replace(/^\x1b\[\d+A/, '');
	let line = 0;
	while (rest.length > 0) {
		if (rest.startsWith('\x1b[E')) {
			rest = rest.slice(3);
			line++;
			continue;
		}
		if (rest.startsWith('\x1b[1G')) {
			const end = rest.indexOf('\x1b[K');
			if (end === -1) break;
			const stop = rest[end + 3] === '\n' ? end + 4 : end + 3;
			perLine.set(line, Buffer.byteLength(rest.slice(0, stop), 'utf8'));
			rest = rest.slice(stop);
			line++;
			continue;
		}
		break;
	}
	return perLine;
}

/**
 * Screen areas of the 24-row console: header+stats+filter, column heads+table rows, status+footer.
 * @param {number} line
 * @returns {'header' | 'table' | 'status'}
 */
function areaOf(line) {
	if (line <= 2) return 'header';
	if (line <= ROWS - 4) return 'table';
	return 'status';
}

// ---------------------------------------------------------------------------------------------------------
// The source, timed: when does the fetch behind a snapshot come back?

/**
 * Every method of the reader, timed. A snapshot fetch starts with list() and goes on with whatever else the
 * console asks for (counts, stats) one call after the other; it is complete when a call returns and no other
 * call follows it before the next turn of the event loop. Its time is when that last call returned, which is
 * before the snapshot is dispatched and drawn.
 */
class TimedSource extends EventEmitter {
	inFlight = 0;
	/**
	 * Completed snapshot fetches: {t, startedAt, filter, sort, window}.
	 * @type {Fetch[]}
	 */
	fetches = [];
	/** @type {Omit<Fetch, 't'> | null} */
	#chain = null;
	#sequence = 0;

	/**
	 * @param {object} inner
	 * @returns {TimedSource}
	 */
	static wrap(inner) {
		const timed = new TimedSource();
		return new Proxy(timed, {
			get(target, property) {
				if (property in target) {
					const own = Reflect.get(target, property, target);
					return typeof own === 'function' ? own.bind(target) : own;
				}
				const value = Reflect.get(inner, property, inner);
				if (typeof value !== 'function') return value;
				return (/** @type {unknown[]} */ ...args) => target.call(String(property), () => value.apply(inner, args), args);
			},
		});
	}

	/**
	 * @param {string} name
	 * @param {() => Promise<unknown>} run
	 * @param {unknown[]} args
	 */
	async call(name, run, args) {
		if (name === 'list') {
			const [filter, sort, window] = /** @type {[Filter, Sort, Fetch['window']]} */ (args);
			this.#chain = {startedAt: performance.now(), filter, sort, window};
		}
		this.inFlight++;
		this.#sequence++;
		try {
			return await run();
		} finally {
			this.inFlight--;
			const t = performance.now();
			const sequence = ++this.#sequence;
			setImmediate(() => {
				if (sequence !== this.#sequence || this.inFlight > 0 || !this.#chain) return;
				const fetch = {...this.#chain, t};
				this.#chain = null;
				this.fetches.push(fetch);
				this.emit('fetched', fetch);
			});
		}
	}
}

// ---------------------------------------------------------------------------------------------------------
// Driving the console.

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Console {
	/**
	 * @param {FakeStdout} stdout
	 * @param {FakeStdin} stdin
	 * @param {TimedSource} source
	 */
	constructor(stdout, stdin, source) {
		this.stdout = stdout;
		this.stdin = stdin;
		/** The timed reader (a Proxy: its fetches and in-flight count are the TimedSource's). */
		this.source = source;
	}

	/** The first frame at or after frame index `from` that satisfies `test` (its stripped text, the frame). */
	/**
	 * @param {number} from
	 * @param {FrameTest} test
	 * @returns {Promise<Frame>}
	 */
	frame(from, test, timeoutMs = 10_000, what = 'a frame') {
		return new Promise((resolve, reject) => {
			let next = from;
			const check = () => {
				while (next < this.stdout.frames.length) {
					const frame = /** @type {Frame} */ (this.stdout.frames[next++]);
					if (test(frame.text, frame)) {
						finish();
						resolve(frame);
						return;
					}
				}
			};
			const timer = setTimeout(() => {
				finish();
				const last = this.stdout.frames.at(-1);
				reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frame: ${JSON.stringify(last?.text ?? '')}`));
			}, timeoutMs);
			const finish = () => {
				clearTimeout(timer);
				this.stdout.off('frame', check);
			};
			this.stdout.on('frame', check);
			check();
		});
	}

	/** The first fetch completed after `since` that matches, or undefined-proof rejection after the timeout. */
	/**
	 * @param {number} since
	 * @param {FetchTest} test
	 * @returns {Promise<Fetch>}
	 */
	fetched(since, test, timeoutMs = 30_000, what = 'a fetch') {
		return new Promise((resolve, reject) => {
			const found = this.source.fetches.find((fetch) => fetch.t >= since && test(fetch));
			if (found) {
				resolve(found);
				return;
			}
			/** @param {Fetch} fetch */
			const onFetch = (fetch) => {
				if (fetch.t < since || !test(fetch)) return;
				finish();
				resolve(fetch);
			};
			const timer = setTimeout(() => {
				finish();
				reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
			}, timeoutMs);
			const finish = () => {
				clearTimeout(timer);
				this.source.off('fetched', onFetch);
			};
			this.source.on('fetched', onFetch);
		});
	}

	/** Waits until nothing was written for QUIET_MS and no query is in flight (at most `maxMs`). */
	async quiet(maxMs = 3000) {
		const from = performance.now();
		const deadline = from + maxMs;
		for (;;) {
			const last = Math.max(from, this.stdout.writes.at(-1)?.t ?? 0);
			const now = performance.now();
			if (now - last >= QUIET_MS && this.source.inFlight === 0) return;
			if (now > deadline) return;
			await sleep(Math.max(5, QUIET_MS - (now - last)));
		}
	}

	/** After a key that fetches: waits for the fetch that matches, the frame drawn after it, then quiet. */
	/**
	 * @param {Mark} mark
	 * @param {FetchTest} test
	 * @param {string} what
	 */
	async settle(mark, test, what) {
		const fetch = await this.fetched(mark.t, test, 30_000, what);
		await this.frame(mark.frame, (_text, f) => f.t >= fetch.t, 5000, `the frame after ${what}`);
		await this.quiet();
	}

	/** Writes a key; returns when it was written and where the frame and write lists stood before it. */
	/**
	 * @param {string} key
	 * @returns {Mark}
	 */
	press(key) {
		const mark = {t: performance.now(), frame: this.stdout.frames.length, write: this.stdout.writes.length};
		this.stdin.write(key);
		return mark;
	}

	/** @param {Mark} mark */
	bytesSince(mark) {
		let bytes = 0;
		for (let index = mark.write; index < this.stdout.writes.length; index++)
			bytes += /** @type {Write} */ (this.stdout.writes[index]).bytes;
		return bytes;
	}

	/** @param {Mark} mark */
	framesSince(mark) {
		return this.stdout.frames.length - mark.frame;
	}
}

const KEY = {down: '\x1b[B', up: '\x1b[A', pageDown: '\x1b[6~', escape: '\x1b', backspace: '\x7f'};

/**
 * @param {object} options
 * @param {number} options.maxFps
 * @param {import('../dist/ui/theme.js').Theme} options.theme
 * @param {object} options.source
 * @param {Modules} options.modules
 * @param {import('../dist/subscribers/console-subscribers.js').ConsoleSubscribers} [options.subscribers] the console's subscriber reads, for the subscriber columns
 * @param {[number, number]} [options.size] the terminal, columns and rows (default 80x24)
 */
async function mount({maxFps, theme, source, modules, subscribers, size}) {
	const {React, render, App, ThemeContext, incrementalSafeStdout} = modules;
	const stdout = new FakeStdout();
	if (size) [stdout.columns, stdout.rows] = size;
	const stdin = new FakeStdin();
	const timed = TimedSource.wrap(source);
	const instance = render(
		React.createElement(
			ThemeContext.Provider,
			{value: theme},
			React.createElement(App, {
				source: /** @type {AppSource} */ (/** @type {unknown} */ (timed)),
				databaseLabel: 'postgres@bench:5432/radius',
				intervalSeconds: 5,
				readOnly: false,
				...(subscribers ? {subscribers} : {}),
			}),
		),
		{
			// The fakes have what Ink uses of a terminal's streams, not all of a tty stream.
			stdout: incrementalSafeStdout(/** @type {NodeJS.WriteStream} */ (/** @type {unknown} */ (stdout))),
			stdin: /** @type {NodeJS.ReadStream} */ (/** @type {unknown} */ (stdin)),
			stderr: /** @type {NodeJS.WriteStream} */ (/** @type {unknown} */ (new FakeStderr())),
			exitOnCtrlC: false,
			patchConsole: false,
			incrementalRendering: true,
			maxFps,
		},
	);
	const console_ = new Console(stdout, stdin, timed);
	await console_.frame(0, (text) => /· 1 of [\d,]+/.test(text), 60_000, 'the first frame with sessions');
	await console_.quiet();
	return {console: console_, stdout, unmount: () => instance.unmount()};
}

// ---------------------------------------------------------------------------------------------------------
// The cases.

/**
 * @param {number} n
 * @param {string} total
 */
const position = (n, total) => `· ${n.toLocaleString('en-US')} of ${total}`;
const TOTAL = SESSIONS.toLocaleString('en-US');

/** ↓ eight times, ↑ eight times, …: the cursor stays inside the page (no fetch), as a cursor move does. */
/**
 * @param {Console} term
 * @param {number} count
 */
async function cursorMoves(term, count) {
	const latency = [];
	const frameBytes = [];
	const totalBytes = [];
	let cursor = 0;
	for (let index = 0; index < count; index++) {
		const down = Math.floor(index / 8) % 2 === 0;
		cursor += down ? 1 : -1;
		const mark = term.press(down ? KEY.down : KEY.up);
		const frame = await term.frame(
			mark.frame,
			(text) => text.includes(position(cursor + 1, TOTAL)),
			5000,
			`the cursor on row ${cursor + 1}`,
		);
		latency.push(frame.t - mark.t);
		frameBytes.push(frame.bytes);
		await term.quiet();
		totalBytes.push(term.bytesSince(mark));
	}
	return {latency, frameBytes, totalBytes, cursor};
}

/** PgDn: the first frame (cursor and position move, rows loading), then the frame with the new window. */
/**
 * @param {Console} term
 * @param {number} count
 * @param {number} pageSize
 * @param {number} startCursor
 */
async function pageDowns(term, count, pageSize, startCursor) {
	const first = [];
	const data = [];
	const fetchMs = [];
	const frameBytes = [];
	const totalBytes = [];
	let cursor = startCursor;
	let top = 0;
	for (let index = 0; index < count; index++) {
		cursor += pageSize;
		top += pageSize;
		const mark = term.press(KEY.pageDown);
		const frame = await term.frame(mark.frame, (text) => text.includes(position(cursor + 1, TOTAL)), 5000, `page ${index + 1}`);
		first.push(frame.t - mark.t);
		const fetch = await term.fetched(mark.t, (f) => f.window.offset === top, 30_000, `the window at ${top}`);
		const dataFrame = await term.frame(mark.frame, (_text, f) => f.t >= fetch.t, 5000, 'the frame after the fetch');
		data.push(dataFrame.t - mark.t);
		fetchMs.push(fetch.t - fetch.startedAt);
		frameBytes.push(dataFrame.bytes);
		await term.quiet();
		totalBytes.push(term.bytesSince(mark));
	}
	return {first, data, fetchMs, frameBytes, totalBytes};
}

/** In the search: type one more character, then delete it again; the typed character is measured. */
/**
 * @param {Console} term
 * @param {number} count
 */
async function searchKeystrokes(term, count) {
	const base = 'anna.';
	let mark = term.press('/');
	await term.frame(mark.frame, (text) => text.includes('Esc clear search'), 5000, 'the search prompt');
	await term.quiet();
	for (const character of base) {
		term.press(character);
		await sleep(5);
	}
	await term.settle(mark, (f) => f.filter.search === base, `the rows for ${base}`);
	const first = [];
	const data = [];
	const fetchMs = [];
	for (let index = 0; index < count; index++) {
		const draft = base + String(1 + (index % 9));
		mark = term.press(/** @type {string} */ (draft.at(-1)));
		const frame = await term.frame(mark.frame, (text) => text.includes(`/ ${draft}`), 5000, `the draft ${draft}`);
		first.push(frame.t - mark.t);
		const fetch = await term.fetched(mark.t, (f) => f.filter.search === draft, 30_000, `the rows for ${draft}`);
		const dataFrame = await term.frame(mark.frame, (_text, f) => f.t >= fetch.t, 5000, 'the frame after the fetch');
		data.push(dataFrame.t - mark.t);
		fetchMs.push(fetch.t - fetch.startedAt);
		await term.quiet();
		const back = term.press(KEY.backspace);
		await term.settle(back, (f) => f.filter.search === base, `the rows for ${base} again`);
	}
	mark = term.press(KEY.escape);
	await term.settle(mark, (f) => !f.filter.search, 'every session again');
	return {first, data, fetchMs};
}

/** @type {[Sort['key'], string, Sort['direction']][]} */
const SORT_CYCLE = [
	['duration', 'duration', 'desc'],
	['down', 'down', 'desc'],
	['up', 'up', 'desc'],
	['rate', 'rate', 'desc'],
	['user', 'user', 'asc'],
	['nas', 'NAS', 'asc'],
	['ip', 'framed IP', 'asc'],
	['start', 'start', 'desc'],
];

/** s: the next sort column. First frame (new label, rows loading), then the frame with the new order. */
/**
 * @param {Console} term
 * @param {number} count
 */
async function sortChanges(term, count) {
	const first = [];
	const data = [];
	const fetchMs = [];
	for (let index = 0; index < count; index++) {
		const [key, label, direction] = /** @type {(typeof SORT_CYCLE)[number]} */ (SORT_CYCLE[index % SORT_CYCLE.length]);
		const arrow = direction === 'asc' ? '↑' : '↓';
		const mark = term.press('s');
		const frame = await term.frame(
			mark.frame,
			(text) => text.includes(`· ${label} ${arrow}`),
			5000,
			`the sort label ${label} ${arrow}`,
		);
		first.push(frame.t - mark.t);
		const fetch = await term.fetched(
			mark.t,
			(f) => f.sort.key === key && f.sort.direction === direction,
			30_000,
			`rows sorted by ${key}`,
		);
		const dataFrame = await term.frame(mark.frame, (_text, f) => f.t >= fetch.t, 5000, 'the frame after the fetch');
		data.push(dataFrame.t - mark.t);
		fetchMs.push(fetch.t - fetch.startedAt);
		await term.quiet();
	}
	// Back to start ↓ whatever the count was.
	for (let index = count; index % SORT_CYCLE.length !== 0; index++) {
		const mark = term.press('s');
		const [key] = /** @type {(typeof SORT_CYCLE)[number]} */ (SORT_CYCLE[index % SORT_CYCLE.length]);
		await term.settle(mark, (f) => f.sort.key === key, `rows sorted by ${key}`);
	}
	return {first, data, fetchMs};
}

/**
 * r with nothing changed in the database. Every byte of the frames written from the key until the screen is
 * quiet again, by area. The header changes on every refresh (its age and query time); the table changes only
 * where a DURATION cell ticks (sessions younger than an hour show seconds).
 */
/**
 * @param {Console} term
 * @param {number} count
 */
async function refreshes(term, count) {
	const total = [];
	/** @type {Record<'header' | 'table' | 'status', number[]>} */
	const areas = {header: [], table: [], status: []};
	const frames = [];
	for (let index = 0; index < count; index++) {
		const mark = term.press('r');
		const fetch = await term.fetched(mark.t, () => true, 30_000, 'the refresh');
		await term.frame(mark.frame, (_text, f) => f.t >= fetch.t, 5000, 'the frame after the refresh');
		await term.quiet();
		const sums = {header: 0, table: 0, status: 0};
		for (let index2 = mark.frame; index2 < term.stdout.frames.length; index2++) {
			const body = /** @type {Frame} */ (term.stdout.frames[index2]).chunks
				.filter((chunk) => chunk !== BSU && chunk !== ESU)
				.join('');
			for (const [line, bytes] of bytesPerLine(body)) sums[areaOf(line)] += bytes;
		}
		if (process.env['BENCH_UI_DEBUG'] && sums.table > 0) {
			for (let index2 = mark.frame; index2 < term.stdout.frames.length; index2++)
				console.log('\nDEBUG frame', JSON.stringify(term.stdout.frames[index2]?.text));
		}
		total.push(term.bytesSince(mark));
		frames.push(term.framesSince(mark));
		for (const area of /** @type {(keyof typeof sums)[]} */ (Object.keys(sums))) areas[area].push(sums[area]);
		// Keep clear of the next clock tick's frame where we can: wait for it, then refresh right after.
		const tick = term.stdout.frames.length;
		await term.frame(tick, () => true, 2000, 'a clock tick').catch(() => undefined);
		await term.quiet();
	}
	return {total, areas, frames};
}

/** Frames written while nothing is pressed (the clock ticks every second): bytes per frame, by area. */
/**
 * @param {Console} term
 * @param {number} seconds
 */
async function idleTicks(term, seconds) {
	const from = term.stdout.frames.length;
	await sleep(seconds * 1000);
	const frames = term.stdout.frames.slice(from);
	const bytes = frames.map((frame) => frame.bytes);
	const table = frames.map((frame) => {
		let sum = 0;
		const body = frame.chunks.filter((chunk) => chunk !== BSU && chunk !== ESU).join('');
		for (const [line, b] of bytesPerLine(body)) if (areaOf(line) === 'table') sum += b;
		return sum;
	});
	return {bytes, table, perSecond: frames.length / seconds};
}

// ---------------------------------------------------------------------------------------------------------
// Reporting.

/**
 * @param {readonly number[]} values
 * @param {number} p
 * @returns {number}
 */
function percentile(values, p) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]);
}

/** @param {number} value */
const ms = (value) => (Number.isNaN(value) ? 'n/a' : value < 10 ? value.toFixed(1) : value.toFixed(0));
/** @param {number} value */
const bytes = (value) => (Number.isNaN(value) ? 'n/a' : `${Math.round(value)}`);

/**
 * @param {string[][]} rows
 * @param {string} name
 * @param {number[]} values
 * @param {(value: number) => string} format
 * @param {string} unit
 * @param {string} [target]
 * @param {(r: {p50: number, p95: number, max: number}) => boolean} [check]
 */
function row(rows, name, values, format, unit, target, check) {
	const p50 = percentile(values, 0.5);
	const p95 = percentile(values, 0.95);
	const max = Math.max(...values);
	const result = check ? (check({p50, p95, max}) ? 'ok' : 'MISS') : '';
	rows.push([name, String(values.length), format(p50), format(p95), format(max), unit, target ?? '', result]);
}

/** @param {string[][]} rows */
function printTable(rows) {
	const head = ['case', 'n', 'p50', 'p95', 'max', 'unit', 'target', 'result'];
	const all = [head, ...rows];
	const widths = head.map((_, column) => Math.max(...all.map((line) => /** @type {string} */ (line[column]).length)));
	/** @param {string[]} line */
	const align = (line) =>
		line
			.map((cell, column) =>
				column >= 1 && column <= 4
					? cell.padStart(/** @type {number} */ (widths[column]))
					: cell.padEnd(/** @type {number} */ (widths[column])),
			)
			.join('  ')
			.trimEnd();
	console.log(align(head));
	console.log(widths.map((width) => '-'.repeat(width)).join('  '));
	for (const line of rows) console.log(align(line));
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
	// Ink renders differently in CI (only the last frame, at exit): measure what a terminal gets.
	for (const key of Object.keys(process.env))
		if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete process.env[key];
	const [{default: React}, {render}, {App}, {ThemeContext, COLOR_THEME}, {incrementalSafeStdout}, {SessionSource}, {default: pg}] =
		await Promise.all([
			import('react'),
			import('ink'),
			import('../dist/ui/app.js'),
			import('../dist/ui/theme.js'),
			import('../dist/terminal/ink-stdout.js'),
			import('../dist/sessions/session-source.js'),
			import('pg'),
		]);
	const {openSubscriberEnricher} = await import('../dist/subscribers/open-enricher.js');
	const {billingColumnsOf, consoleSubscribers, POLL_ENRICHMENT_BUDGET_MS} = await import('../dist/subscribers/console-subscribers.js');
	const modules = {React, render, App, ThemeContext, incrementalSafeStdout};

	const started = performance.now();
	console.log(`bench:ui — ${SESSIONS.toLocaleString('en-US')} open sessions, ${COLUMNS}x${ROWS} terminal, Ink incremental rendering`);
	const reactBuild = process.env['NODE_ENV'] === 'production' ? 'production' : 'development';
	console.log(
		`React ${React.version}, ${reactBuild} build (NODE_ENV=${process.env['NODE_ENV'] ?? 'unset'}; the CLI sets production unless told otherwise)`,
	);
	console.log(
		`machine: ${os.cpus().length} CPUs, load average ${os
			.loadavg()
			.map((n) => n.toFixed(1))
			.join(' ')}`,
	);
	console.log('setting up: embedded PostgreSQL (PGlite) in a worker thread, one generate_series INSERT …');
	const database = await startDatabase();
	const pool = new pg.Pool({connectionString: database.url, max: 1});
	let exitCode = 0;
	try {
		const source = await SessionSource.open(pool);
		console.log(`database ready in ${(database.seedMs / 1000).toFixed(1)} s\n`);
		const pageSize = ROWS - 7;
		/** @type {string[][]} */
		const rows = [];
		/** @type {string[]} */
		const notes = [];
		let clears = 0;
		let framesSeen = 0;

		/** @param {FakeStdout} stdout */
		const countClears = (stdout) => {
			// Everything after the first frame.
			const firstFrameEnd = stdout.frames[0] ? stdout.frames[0].index + stdout.frames[0].chunks.length : 0;
			for (let index = firstFrameEnd; index < stdout.writes.length; index++)
				if (FULL_CLEAR.test(/** @type {Write} */ (stdout.writes[index]).chunk)) clears++;
			framesSeen += stdout.frames.length;
		};

		// Production settings: colour theme, maxFps 30.
		{
			const {console: term, stdout, unmount} = await mount({maxFps: 30, theme: COLOR_THEME, source, modules});
			process.stdout.write('  maxFps 30: cursor moves');
			const cursor = await cursorMoves(term, iterations(150));
			if (process.env['BENCH_UI_CURSOR_ONLY']) {
				row(rows, 'cursor move: key -> frame', cursor.latency, ms, 'ms', 'p95 <= 30', (r) => r.p95 <= 30);
				console.log('');
				printTable(rows);
				unmount();
				return;
			}
			process.stdout.write(', page down');
			const pages = await pageDowns(term, iterations(40), pageSize, cursor.cursor);
			let mark = term.press('g');
			await term.settle(mark, (f) => f.window.offset === 0, 'the first page');
			process.stdout.write(', search');
			const search = await searchKeystrokes(term, iterations(20));
			process.stdout.write(', sort');
			const sort = await sortChanges(term, iterations(21));
			process.stdout.write(', refresh (newest sessions)');
			const refreshNewest = await refreshes(term, iterations(10));
			// The oldest sessions first (start ↑): durations in days and hours, nothing ticks.
			mark = term.press('S');
			await term.settle(mark, (f) => f.sort.direction === 'asc', 'start ↑');
			process.stdout.write(', refresh (oldest sessions)');
			const refreshOldest = await refreshes(term, iterations(10));
			process.stdout.write(', idle');
			const idle = await idleTicks(term, 4);
			console.log('\n');
			unmount();
			countClears(stdout);

			row(rows, 'cursor move: key -> frame', cursor.latency, ms, 'ms', 'p95 <= 30', (r) => r.p95 <= 30);
			row(rows, 'cursor move: bytes of that frame', cursor.frameBytes, bytes, 'B', 'p95 <= 1024', (r) => r.p95 <= 1024);
			row(rows, 'cursor move: bytes key -> quiet', cursor.totalBytes, bytes, 'B');
			row(rows, 'page down: key -> first frame', pages.first, ms, 'ms');
			row(rows, 'page down: key -> frame with new data', pages.data, ms, 'ms');
			row(rows, '  page down: its queries', pages.fetchMs, ms, 'ms');
			row(rows, 'page down: bytes of the data frame', pages.frameBytes, bytes, 'B');
			row(rows, 'search key: key -> first frame', search.first, ms, 'ms');
			row(rows, 'search key: key -> frame with new data', search.data, ms, 'ms');
			row(rows, '  search: its queries', search.fetchMs, ms, 'ms');
			row(rows, 'sort change: key -> first frame', sort.first, ms, 'ms');
			row(rows, 'sort change: key -> frame with new data', sort.data, ms, 'ms');
			row(rows, '  sort: its queries', sort.fetchMs, ms, 'ms');
			row(rows, 'refresh, unchanged, oldest page: all bytes', refreshOldest.total, bytes, 'B', 'p50 <= 400', (r) => r.p50 <= 400);
			row(rows, '  of which header lines (age, timing)', refreshOldest.areas.header, bytes, 'B');
			row(rows, '  of which table (heads + rows)', refreshOldest.areas.table, bytes, 'B', 'max 0', (r) => r.max === 0);
			row(rows, '  of which status + footer', refreshOldest.areas.status, bytes, 'B');
			row(rows, 'refresh, unchanged, newest page: all bytes', refreshNewest.total, bytes, 'B');
			row(rows, '  of which header lines', refreshNewest.areas.header, bytes, 'B');
			row(rows, '  of which table (durations tick)', refreshNewest.areas.table, bytes, 'B');
			row(rows, 'idle clock tick (oldest page): frame bytes', idle.bytes, bytes, 'B');
			notes.push(
				`frames per unchanged refresh (oldest page): p50 ${percentile(refreshOldest.frames, 0.5)}, max ${Math.max(...refreshOldest.frames)}`,
			);
			notes.push(
				`idle: ${idle.perSecond.toFixed(1)} frames/s while nothing is pressed; table bytes in them p50 ${bytes(percentile(idle.table, 0.5))}`,
			);
		}

		// Unthrottled: what the render itself costs, without Ink's 30 fps throttle.
		{
			const {console: term, stdout, unmount} = await mount({maxFps: 1000, theme: COLOR_THEME, source, modules});
			process.stdout.write('  maxFps 1000: cursor moves');
			const cursor = await cursorMoves(term, iterations(150));
			process.stdout.write(', page down');
			const pages = await pageDowns(term, iterations(20), pageSize, cursor.cursor);
			console.log('\n');
			unmount();
			countClears(stdout);
			row(rows, 'unthrottled cursor move: key -> frame', cursor.latency, ms, 'ms', 'p95 <= 30', (r) => r.p95 <= 30);
			row(rows, 'unthrottled cursor move: frame bytes', cursor.frameBytes, bytes, 'B', 'p95 <= 1024', (r) => r.p95 <= 1024);
			row(rows, 'unthrottled page down: key -> first frame', pages.first, ms, 'ms');
			row(rows, 'unthrottled page down: -> frame w/ data', pages.data, ms, 'ms');
		}

		// The subscriber columns (REMAINING, PLAN, the billing query's, VENDOR) at 120x40, each poll enriched.
		{
			const opened = await openSubscriberEnricher(pool, {billingQuery: BILLING_QUERY});
			const subscribers = consoleSubscribers(opened, POLL_ENRICHMENT_BUDGET_MS, await billingColumnsOf(opened));
			source.readTimeoutsFrom(subscribers.timeoutTables);
			const {
				console: term,
				stdout,
				unmount,
			} = await mount({maxFps: 30, theme: COLOR_THEME, source, modules, subscribers, size: [120, 40]});
			const headsFrame = [...stdout.frames].reverse().find((frame) => /USER +NAS/.test(frame.text));
			const heads = headsFrame?.text.split('\n').find((line) => /USER +NAS/.test(line)) ?? '';
			process.stdout.write('  subscriber columns, 120x40, maxFps 30: cursor moves');
			const cursor = await cursorMoves(term, iterations(150));
			console.log('\n');
			unmount();
			await opened.close();
			countClears(stdout);
			row(rows, 'subscriber columns: cursor move -> frame', cursor.latency, ms, 'ms', 'p95 <= 30', (r) => r.p95 <= 30);
			row(rows, 'subscriber columns: frame bytes', cursor.frameBytes, bytes, 'B', 'p95 <= 1024', (r) => r.p95 <= 1024);
			notes.push(`subscriber columns at 120x40: ${heads.trim().replace(/ +/g, ' ')}`);
		}

		rows.push([
			'full-terminal clears after start-up',
			String(framesSeen),
			String(clears),
			'',
			'',
			'count',
			'0',
			clears === 0 ? 'ok' : 'MISS',
		]);
		printTable(rows);
		console.log('');
		for (const note of notes) console.log(note);
		console.log('search "frame with new data" includes the console\'s 150 ms search debounce; "its queries" is list() to the');
		console.log('last query of that snapshot returning (PGlite in a worker thread, pg over loopback).');
		console.log('A cursor-move frame that coincides with the 1 s clock tick also carries the tick (max column).');
		console.log(
			`(n for the clears row: frames checked)  load average now ${os
				.loadavg()
				.map((n) => n.toFixed(1))
				.join(' ')}  total ${((performance.now() - started) / 1000).toFixed(0)} s`,
		);
	} catch (error) {
		console.error(`\nbench:ui failed: ${/** @type {Error | undefined} */ (error)?.stack ?? error}`);
		exitCode = 1;
	} finally {
		await pool.end().catch(() => undefined);
		await database.close();
	}
	process.exit(exitCode);
}

if (isMainThread) {
	main().catch((error) => {
		console.error(`bench:ui failed: ${error?.stack ?? error}`);
		process.exit(1);
	});
} else {
	databaseWorker().catch((error) => {
		console.error(`bench:ui database worker failed: ${error?.stack ?? error}`);
		process.exit(1);
	});
}
