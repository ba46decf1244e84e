/**
 * The built CLI (dist/cli.js) in a child process, as a user runs it, with an environment that names no database
 * and no SSH client unless the test says so; or radtop's main in this process, for what needs neither a database
 * nor a terminal. `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import {fileURLToPath} from 'node:url';

/** The repository's root, the working directory of the CLI unless a test gives another. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI. */
export const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * What the caller's environment may carry that would change what radtop connects to or records: libpq's
 * variables and DATABASE_URL (a test names its database itself) and SSH_CLIENT (the audit log's origin).
 */
const SCRUBBED = ['DATABASE_URL', 'PGPASSWORD', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGSERVICE', 'PGSSLMODE', 'SSH_CLIENT'];

/** Throws when dist/cli.js is missing, with how to build it. */
export function assertBuilt(): void {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with "npm run build" (npm test does it)`);
}

/** This process's environment without SCRUBBED, without colour, then `extra` (which may set a scrubbed name). */
export function cliEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1'};
	for (const name of SCRUBBED) delete env[name];
	return {...env, ...extra};
}

/** What a finished CLI run printed, and its exit code. */
export interface CliRun {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Options of runCli and startCli. */
export interface CliOptions {
	/** Added to cliEnv()'s environment. */
	readonly env?: Readonly<Record<string, string>>;
	/** Written to stdin, which then closes (a pipe, not a terminal). */
	readonly input?: string;
	/** After this the child is killed and the run rejects (default 30 s). */
	readonly timeoutMs?: number;
	/** Default ROOT. */
	readonly cwd?: string;
}

/** Starts `radtop ARGS` with pipes for stdin, stdout and stderr; for a long-running child the test signals. */
export function startCli(args: readonly string[], options: Omit<CliOptions, 'input' | 'timeoutMs'> = {}): ChildProcessWithoutNullStreams {
	return spawn(process.execPath, [CLI, ...args], {cwd: options.cwd ?? ROOT, env: cliEnv(options.env), stdio: 'pipe'});
}

/**
 * Runs `radtop ARGS` to its end. Asynchronous, so that fakes and an embedded database in this process can
 * answer the child while it runs.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
	const timeoutMs = options.timeoutMs ?? 30_000;
	return new Promise((resolvePromise, reject) => {
		const child = startCli(args, options);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.stdin.end(options.input ?? '');
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (signal)
				reject(new Error(`radtop ${args.join(' ')} was killed by ${signal} (timeout ${timeoutMs} ms?)\n${stdout}${stderr}`));
			else resolvePromise({code, stdout, stderr});
		});
	});
}

/** A command's stdout or stderr in this process: not a terminal, keeping what is written to it. */
export function stream(): PassThrough & {text(): string} {
	const chunks: string[] = [];
	const out = new PassThrough() as PassThrough & {text(): string; isTTY: boolean};
	out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
	out.isTTY = false;
	out.text = () => chunks.join('');
	return out;
}

/** A stream that keeps what is written to it. */
export function collector(): {stream: Writable; text: () => string} {
	const chunks: string[] = [];
	const stream = new Writable({
		write(chunk: Buffer | string, _encoding, done) {
			chunks.push(chunk.toString());
			done();
		},
	});
	return {stream, text: () => chunks.join('')};
}

/** Makes process.env hold exactly `env` until the returned function puts the old one back. */
function swapProcessEnv(env: NodeJS.ProcessEnv): () => void {
	const saved = {...process.env};
	const assign = (values: NodeJS.ProcessEnv) => {
		for (const name of Object.keys(process.env)) if (!(name in values)) delete process.env[name];
		for (const [name, value] of Object.entries(values)) if (value !== undefined) process.env[name] = value;
	};
	assign(env);
	return () => assign(saved);
}

/**
 * Runs radtop's main in this process with captured stdout and stderr: for help, the version and usage errors,
 * which runMain writes only through the streams it is given (a command that starts writes to the process's).
 * While it runs, process.env is the run's environment (cliEnv() and `env`), as it would be in a child: the
 * commands that edit the config (nas, config) find their file through it before refusing what is already there.
 */
export async function runMainInProcess(args: readonly string[], options: Pick<CliOptions, 'env'> = {}): Promise<CliRun> {
	// Loaded on first use: the files that only spawn do not load every command.
	const {runMain} = await import('../../source/main.js');
	const stdout = collector();
	const stderr = collector();
	const env = cliEnv(options.env);
	const restore = swapProcessEnv(env);
	try {
		const code = await runMain(args, {stdout: stdout.stream, stderr: stderr.stream, env});
		return {code, stdout: stdout.text(), stderr: stderr.text()};
	} finally {
		restore();
	}
}
