/**
 * A hostile RouterOS API server for tests: a child process listening on 127.0.0.1 (a free port) that speaks the
 * API framing and, instead of answering, floods. Running in its own process, what it writes does not count in the
 * memory of the test process, where the client under test runs.
 *
 * Floods (each keeps writing, as fast as the client reads, until the client closes the connection):
 * - `rows`: accepts the login, then answers the next command with `!re` rows of its tag, without end;
 * - `login-rows`: answers `/login` with `!re` rows of its tag, without end;
 * - `giant-word`: accepts the login, then answers the next command with `!re` and a word announced as 2^28
 *   bytes long, and sends its bytes without end;
 * - `login-giant-word`: the same as the answer to `/login`.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';

export type Flood = 'rows' | 'login-rows' | 'giant-word' | 'login-giant-word';

// Plain JavaScript run with `node -e`: the wire format written out by hand (API doc, "API words").
const SERVER = String.raw`
const net = require('node:net');
const flood = process.argv[1];
const length = (n) => n < 0x80 ? Buffer.from([n]) : n < 0x4000 ? Buffer.from([0x80 | (n >> 8), n & 0xff])
	: Buffer.from([0xc0 | (n >> 16), (n >> 8) & 0xff, n & 0xff]);
const sentence = (words) => Buffer.concat([...words.flatMap((w) => { const b = Buffer.from(w); return [length(b.length), b]; }), Buffer.from([0])]);
const parse = (state, chunk) => {
	state.buffer = Buffer.concat([state.buffer, chunk]);
	const sentences = [];
	for (;;) {
		let offset = 0; const words = []; let complete = false;
		while (offset < state.buffer.length) {
			const first = state.buffer[offset];
			let size = 1, n = first;
			if ((first & 0xc0) === 0x80) { size = 2; n = ((first & 0x3f) << 8) | state.buffer[offset + 1]; }
			else if ((first & 0xe0) === 0xc0) { size = 3; n = ((first & 0x1f) << 16) | (state.buffer[offset + 1] << 8) | state.buffer[offset + 2]; }
			if (offset + size + n > state.buffer.length) break;
			offset += size;
			if (n === 0) { complete = true; break; }
			words.push(state.buffer.subarray(offset, offset + n).toString()); offset += n;
		}
		if (!complete) return sentences;
		state.buffer = state.buffer.subarray(offset);
		sentences.push(words);
	}
};
const tagOf = (words) => (words.find((w) => w.startsWith('.tag=')) || '.tag=').slice(5);
const pump = (socket, next) => {
	const write = () => {
		while (!socket.destroyed) {
			if (!socket.write(next())) { socket.once('drain', write); return; }
		}
	};
	write();
};
let i = 0;
const row = (tag) => { i += 1; return sentence(['!re', '=.id=*' + i.toString(16), '=name=user-' + i, '=service=pppoe',
	'=caller-id=AA:BB:CC:00:00:01', '=address=100.64.' + ((i >> 8) & 255) + '.' + (i & 255), '=uptime=1h2m3s',
	'=session-id=0x' + (0x81000000 + i).toString(16), '.tag=' + tag]); };
const giant = (socket, tag) => {
	socket.write(Buffer.concat([sentence(['!re', '.tag=' + tag]).subarray(0, -1), Buffer.from([0xf0, 0x10, 0, 0, 0])]));
	const block = Buffer.alloc(64 * 1024, 0x61);
	pump(socket, () => block);
};
const server = net.createServer((socket) => {
	socket.on('error', () => {});
	const state = {buffer: Buffer.alloc(0)};
	let flooding = false;
	socket.on('data', (chunk) => {
		for (const words of parse(state, chunk)) {
			if (flooding) continue;
			const tag = tagOf(words);
			const login = words[0] === '/login';
			if (login && !flood.startsWith('login-')) { socket.write(sentence(['!done', '.tag=' + tag])); continue; }
			flooding = true;
			if (flood.endsWith('rows')) pump(socket, () => row(tag)); else giant(socket, tag);
		}
	});
});
server.listen(0, '127.0.0.1', () => { console.log(server.address().port); });
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** A running flooding server. Stop it with {@link close}. */
export class FloodingRouterOs {
	/** Starts the server process and waits until it listens. */
	static async start(flood: Flood): Promise<FloodingRouterOs> {
		const child = spawn(process.execPath, ['-e', SERVER, flood], {stdio: ['pipe', 'pipe', 'inherit']});
		const lines = createInterface({input: child.stdout!});
		const [line] = (await once(lines, 'line')) as [string];
		lines.close();
		return new FloodingRouterOs(child, Number(line));
	}

	private constructor(
		private readonly child: ChildProcess,
		readonly port: number,
	) {}

	/** Ends the server process. */
	async close(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = once(this.child, 'exit');
		this.child.kill();
		await exited;
	}
}

/**
 * Runs `work` while sampling this process's resident set size every 5 ms.
 *
 * @returns what `work` settled with, and the highest RSS seen above the RSS at the start, in bytes.
 */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{result: PromiseSettledResult<T>; growth: number}> {
	globalThis.gc?.();
	const start = process.memoryUsage.rss();
	let peak = start;
	const sample = (): void => {
		peak = Math.max(peak, process.memoryUsage.rss());
	};
	const timer = setInterval(sample, 5);
	const [result] = await Promise.allSettled([work()]);
	sample();
	clearInterval(timer);
	return {result, growth: peak - start};
}
