/**
 * Passes the rows of a CSV-format COPY on to an output as RFC 4180 CSV: each row's LF becomes CRLF, rows are
 * gathered into large writes, and the reader is paused while the output is full.
 */
import type {Writable} from 'node:stream';
import {sanitize} from '../terminal/sanitize.js';

const LF = 0x0a;
const CR = 0x0d;
const CRLF = Buffer.from('\r\n');

/** Bytes gathered before one write to the output: few writes, and a bound on what is held. */
const WRITE_BYTES = 256 * 1024;

/** Options of {@link CsvWriter}. */
export interface CsvWriterOptions {
	/** The CSV goes to a terminal: control characters in the rows are written as visible escapes. */
	readonly forTerminal: boolean;
	/** The output is full: read no more rows until `resume`. */
	readonly pause: () => void;
	readonly resume: () => void;
	/** Told after each block of rows is handed to the output. */
	readonly onBlock: () => void;
}

/** Gathers rows and writes them to `out` in blocks; {@link flush} writes what is left. */
export class CsvWriter {
	readonly #out: Writable;
	readonly #options: CsvWriterOptions;
	#buffer = Buffer.allocUnsafe(WRITE_BYTES);
	#used = 0;
	#waiting = false;

	constructor(out: Writable, options: CsvWriterOptions) {
		this.#out = out;
		this.#options = options;
	}

	/**
	 * Takes one row as COPY sends it, ending in LF (CRLF from a server on Windows). The row may be a view of a
	 * buffer its sender reuses (pg's read buffer): its bytes are copied at once.
	 */
	write(row: Buffer): void {
		if (this.#options.forTerminal) {
			// On a terminal every control character in the data becomes a visible escape; the row's end stays.
			const end = row.length - (row[row.length - 1] === LF ? (row[row.length - 2] === CR ? 2 : 1) : 0);
			this.#append(Buffer.from(`${sanitize(row.toString('utf8', 0, end))}\r\n`));
			return;
		}
		const last = row.length - 1;
		if (row[last] === LF && row[last - 1] !== CR) {
			this.#append(row.subarray(0, last));
			this.#append(CRLF);
		} else this.#append(row);
	}

	/** Hands the gathered rows to the output. */
	flush(): void {
		if (this.#used === 0) return;
		const ready = this.#out.write(this.#buffer.subarray(0, this.#used));
		this.#buffer = Buffer.allocUnsafe(WRITE_BYTES);
		this.#used = 0;
		this.#options.onBlock();
		if (!ready) this.#waitForDrain();
	}

	#append(bytes: Buffer): void {
		if (this.#used + bytes.length > this.#buffer.length) this.flush();
		if (bytes.length > this.#buffer.length) {
			if (!this.#out.write(Buffer.from(bytes))) this.#waitForDrain();
			return;
		}
		bytes.copy(this.#buffer, this.#used);
		this.#used += bytes.length;
	}

	/** Reads no more from the server until the output has room again. */
	#waitForDrain(): void {
		if (this.#waiting) return;
		this.#waiting = true;
		this.#options.pause();
		this.#out.once('drain', () => {
			this.#waiting = false;
			this.#options.resume();
		});
	}
}
