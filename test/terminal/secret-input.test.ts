import {EventEmitter} from 'node:events';
import {PassThrough, Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {
	PromptCancelledError,
	promptHidden,
	readPipedLines,
	readSecrets,
	SecretInputError,
	type TerminalInput,
} from '../../source/terminal/secret-input.js';

/** A terminal's input as the prompt sees it: raw mode recorded, keys typed by the test. */
class FakeTerminal extends EventEmitter implements TerminalInput {
	isRaw = false;
	readonly isTTY = true;
	readonly modes: boolean[] = [];
	paused = true;

	setRawMode(mode: boolean): this {
		this.isRaw = mode;
		this.modes.push(mode);
		return this;
	}
	setEncoding(): this {
		return this;
	}
	resume(): this {
		this.paused = false;
		return this;
	}
	pause(): this {
		this.paused = true;
		return this;
	}
	type(...chunks: string[]): void {
		for (const chunk of chunks) this.emit('data', chunk);
	}
}

/** Everything written to the "screen". */
function screen(): {stream: PassThrough; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString('utf8');
	});
	return {stream, text: () => text};
}

describe('promptHidden', () => {
	it('reads each answer in raw mode, echoes none of it, and restores the mode', async () => {
		const terminal = new FakeTerminal();
		const out = screen();
		const answers = promptHidden(['secret: ', 'again: '], terminal, out.stream);
		expect(terminal.isRaw).toBe(true);
		terminal.type('s3cr', 'et!\r', 'añ€😀\n');
		await expect(answers).resolves.toEqual(['s3cret!', 'añ€😀']);
		expect(terminal.modes).toEqual([true, false]);
		expect(terminal.paused).toBe(true);
		expect(terminal.listenerCount('data')).toBe(0);
		await new Promise((resolve) => setImmediate(resolve));
		expect(out.text()).toBe('secret: \nagain: \n');
	});

	it('edits with Backspace, Ctrl-U and Ctrl-W, one code point at a time', async () => {
		const terminal = new FakeTerminal();
		const answers = promptHidden(['a: ', 'b: ', 'c: '], terminal, new PassThrough());
		terminal.type('abcx\u007f\bd\r', 'wrong\u0015right\r', 'x😀\u007fy\u0017z\r');
		await expect(answers).resolves.toEqual(['abd', 'right', 'z']);
	});

	it('ignores arrow keys and bracketed-paste markers, and takes a pasted CRLF as one Enter', async () => {
		const terminal = new FakeTerminal();
		const answers = promptHidden(['a: ', 'b: '], terminal, new PassThrough());
		terminal.type('\u001b[200~pa\u001b[Dste\u001b[201~\u001bOA\r\n', 'next\r');
		await expect(answers).resolves.toEqual(['paste', 'next']);
	});

	it('Ctrl-C cancels, Ctrl-D cancels an empty answer, and raw mode is restored either way', async () => {
		const first = new FakeTerminal();
		const cancelled = promptHidden(['a: '], first, new PassThrough());
		first.type('half\u0003');
		await expect(cancelled).rejects.toBeInstanceOf(PromptCancelledError);
		expect(first.modes).toEqual([true, false]);

		const second = new FakeTerminal();
		const eof = promptHidden(['a: ', 'b: '], second, new PassThrough());
		second.type('x\u0004y\r', '\u0004');
		await expect(eof).rejects.toThrow('cancelled: nothing was changed');
		expect(second.isRaw).toBe(false);
	});

	it('a terminal that goes away cancels', async () => {
		const terminal = new FakeTerminal();
		const answers = promptHidden(['a: '], terminal, new PassThrough());
		terminal.emit('end');
		await expect(answers).rejects.toBeInstanceOf(PromptCancelledError);
		expect(terminal.isRaw).toBe(false);
	});
});

describe('readPipedLines', () => {
	it('takes one line per name, without line endings, and nothing after', async () => {
		await expect(readPipedLines(Readable.from(['s3cr', 'et\r\napi pass\nignored\n']), ['secret', 'API password'])).resolves.toEqual([
			's3cret',
			'api pass',
		]);
		await expect(readPipedLines(Readable.from(['only-line']), ['secret'])).resolves.toEqual(['only-line']);
		// An empty line is an answer (an empty one, which the caller refuses with its own words).
		await expect(readPipedLines(Readable.from(['\n']), ['secret'])).resolves.toEqual(['']);
	});

	it('says what each line should hold when lines are missing', async () => {
		await expect(readPipedLines(Readable.from(['s3cret\n']), ['RADIUS secret', 'API password'])).rejects.toThrow(
			new SecretInputError('stdin gave 1 line: expected the RADIUS secret on the first line and the API password on the second'),
		);
		await expect(readPipedLines(Readable.from([]), ['RADIUS secret'])).rejects.toThrow(
			'stdin gave 0 lines: expected the RADIUS secret on one line',
		);
	});

	it('stops reading a stream that never ends within 64 KiB', async () => {
		const endless = new Readable({
			read() {
				this.push(Buffer.alloc(16 * 1024, 0x61));
			},
		});
		await expect(readPipedLines(endless, ['RADIUS secret'])).rejects.toThrow(/more than 64 KiB/);
	});
});

describe('readSecrets', () => {
	it('reads lines from a pipe in the order asked', async () => {
		const stdin = Object.assign(Readable.from(['one\ntwo\n']), {isTTY: false}) as unknown as NodeJS.ReadStream;
		const secrets = await readSecrets(
			[
				{name: 'RADIUS secret', question: 'q1', confirm: true},
				{name: 'API password', question: 'q2', confirm: true},
			],
			{stdin, stderr: new PassThrough()},
		);
		expect(secrets).toEqual(['one', 'two']);
	});

	it('asks twice on a terminal and refuses two different answers', async () => {
		const terminal = new FakeTerminal();
		const out = screen();
		const request = [{name: 'RADIUS secret', question: 'RADIUS secret for bng-2: ', confirm: true}];
		const same = readSecrets(request, {stdin: terminal as unknown as NodeJS.ReadStream, stderr: out.stream});
		terminal.type('s3cret\r', 's3cret\r');
		await expect(same).resolves.toEqual(['s3cret']);
		await new Promise((resolve) => setImmediate(resolve));
		expect(out.text()).toBe('RADIUS secret for bng-2: \nRADIUS secret again: \n');

		const other = new FakeTerminal();
		const differ = readSecrets(request, {stdin: other as unknown as NodeJS.ReadStream, stderr: new PassThrough()});
		other.type('s3cret\r', 's3cert\r');
		await expect(differ).rejects.toThrow(new SecretInputError('the two RADIUS secrets typed differ: nothing was changed'));
	});
});
