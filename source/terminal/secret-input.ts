/**
 * Reading secrets (RADIUS shared secrets, API passwords, database URLs with a password) without them ever
 * passing through argv, which every user on the host can read in `ps` and which shells keep in history:
 * typed at a prompt that echoes nothing, or piped on stdin.
 */

/** The user gave up at a prompt (Ctrl-C, or Ctrl-D on an empty answer) or the terminal went away. */
export class PromptCancelledError extends Error {
	constructor() {
		super('cancelled: nothing was changed');
		this.name = 'PromptCancelledError';
	}
}

/** A terminal's input as the prompt needs it: process.stdin when it is a TTY. */
export interface TerminalInput {
	readonly isRaw?: boolean;
	setRawMode(mode: boolean): unknown;
	setEncoding(encoding: BufferEncoding): unknown;
	on(event: 'data', listener: (chunk: string) => void): unknown;
	on(event: 'end', listener: () => void): unknown;
	off(event: 'data', listener: (chunk: string) => void): unknown;
	off(event: 'end', listener: () => void): unknown;
	resume(): unknown;
	pause(): unknown;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const CTRL_W = '\u0017';
const BACKSPACES = ['\u007f', '\b'];
const ESC = '\u001b';

/**
 * Asks each question in turn on `output` and reads the answers from a terminal in raw mode, so nothing typed
 * is echoed, not even as stars (their count would tell a shoulder-surfer the length). Enter ends an answer;
 * Backspace, Ctrl-U and Ctrl-W edit; escape sequences (arrow keys, bracketed-paste markers) are ignored;
 * Ctrl-C, or Ctrl-D on an empty answer, cancels. The terminal's mode is restored however it ends.
 */
export function promptHidden(questions: readonly string[], input: TerminalInput, output: NodeJS.WritableStream): Promise<string[]> {
	if (questions.length === 0) return Promise.resolve([]);
	return new Promise((resolve, reject) => {
		const answers: string[] = [];
		let current: string[] = [];
		// 'csi' after ESC [, until its final byte; 'one' after ESC O or ESC + anything: skip one more character.
		let escape: 'none' | 'start' | 'csi' | 'one' = 'none';
		let lastWasCr = false;
		const wasRaw = Boolean(input.isRaw);

		const finish = (error?: Error) => {
			input.off('data', onData);
			input.off('end', onEnd);
			input.setRawMode(wasRaw);
			input.pause();
			if (error) {
				output.write('\n');
				reject(error);
			} else resolve(answers);
		};
		const onEnd = () => finish(new PromptCancelledError());
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (escape === 'start') {
					escape = char === '[' ? 'csi' : char === 'O' ? 'one' : 'none';
					continue;
				}
				if (escape === 'csi') {
					if (char >= '@' && char <= '~') escape = 'none';
					continue;
				}
				if (escape === 'one') {
					escape = 'none';
					continue;
				}
				const crlf = lastWasCr && char === '\n';
				lastWasCr = char === '\r';
				if (crlf) continue;
				if (char === '\r' || char === '\n') {
					answers.push(current.join(''));
					current = [];
					output.write('\n');
					if (answers.length === questions.length) return finish();
					output.write(questions[answers.length]!);
				} else if (char === CTRL_C || (char === CTRL_D && current.length === 0)) {
					return finish(new PromptCancelledError());
				} else if (BACKSPACES.includes(char)) {
					current.pop();
				} else if (char === CTRL_U || char === CTRL_W) {
					current = [];
				} else if (char === ESC) {
					escape = 'start';
				} else if (char >= ' ') {
					current.push(char);
				}
			}
		};

		input.setEncoding('utf8');
		input.setRawMode(true);
		input.on('data', onData);
		input.on('end', onEnd);
		input.resume();
		output.write(questions[0]!);
	});
}

/** Piped input radtop reads secrets from: at most this much, so `radtop nas add < /dev/zero` ends. */
const MAX_STDIN_BYTES = 64 * 1024;

/**
 * The first `count` lines of a pipe (stdin), each without its line ending. Fewer lines than asked for is an
 * error naming what each line should hold.
 */
export async function readPipedLines(input: AsyncIterable<Buffer | string>, names: readonly string[]): Promise<string[]> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of input) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		chunks.push(buffer);
		size += buffer.length;
		if (size > MAX_STDIN_BYTES)
			throw new SecretInputError(`stdin holds more than ${MAX_STDIN_BYTES / 1024} KiB: expected ${describeLines(names)}`);
	}
	const text = Buffer.concat(chunks).toString('utf8');
	const lines = text.split(/\r?\n/);
	// A final line ending ends the last line; it does not start an empty one.
	if (lines.at(-1) === '') lines.pop();
	if (lines.length < names.length) {
		throw new SecretInputError(`stdin gave ${lines.length} line${lines.length === 1 ? '' : 's'}: expected ${describeLines(names)}`);
	}
	return lines.slice(0, names.length);
}

/** Piped input that does not hold what was asked for, or a secret and its repetition that differ. */
export class SecretInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretInputError';
	}
}

function describeLines(names: readonly string[]): string {
	if (names.length === 1) return `the ${names[0]} on one line`;
	return names
		.map((name, index) => `the ${name} on ${index === 0 ? 'the first line' : index === 1 ? 'the second' : `line ${index + 1}`}`)
		.join(' and ');
}

/** One secret to read: its name for messages, the prompt, and whether to ask twice. */
export interface SecretRequest {
	readonly name: string;
	readonly question: string;
	/** Ask again and compare: a mistyped RADIUS secret fails silently (the NAS drops every request). */
	readonly confirm?: boolean;
}

/** Where secrets come from: stdin, a terminal or a pipe. */
export interface SecretSource {
	readonly stdin: NodeJS.ReadStream;
	readonly stderr: NodeJS.WritableStream;
}

/**
 * Reads the secrets asked for: prompted without echo when stdin is a terminal, else one a line from the pipe,
 * in the order asked.
 */
export async function readSecrets(requests: readonly SecretRequest[], source: SecretSource): Promise<string[]> {
	if (requests.length === 0) return [];
	if (!source.stdin.isTTY)
		return readPipedLines(
			source.stdin,
			requests.map((request) => request.name),
		);
	const questions = requests.flatMap((request) => (request.confirm ? [request.question, `${request.name} again: `] : [request.question]));
	const answers = await promptHidden(questions, source.stdin as NodeJS.ReadStream & TerminalInput, source.stderr);
	const secrets: string[] = [];
	let index = 0;
	for (const request of requests) {
		const answer = answers[index++]!;
		if (request.confirm && answers[index++] !== answer)
			throw new SecretInputError(`the two ${request.name}s typed differ: nothing was changed`);
		secrets.push(answer);
	}
	return secrets;
}
