/**
 * `COPY ... TO STDOUT` read row by row off a node-postgres connection, with the socket paused while the reader
 * cannot take more (PostgreSQL protocol, "COPY Operations").
 */

/** What the export needs of node-postgres's connection while a COPY runs. */
export interface CopyConnection {
	query(text: string): void;
	sendCopyFail(message: string): void;
	readonly stream: {pause(): void; resume(): void; destroy(): void};
}

/**
 * `COPY ... TO STDOUT` on a node-postgres connection, in the form its Client runs (a "submittable", as
 * pg-cursor is one). The server sends one CopyData message per row (PostgreSQL protocol, "COPY Operations"),
 * each handed to `onRow` as it arrives; pause() stops reading the socket, so the server waits.
 */
export class CopyToStream {
	readonly text: string;
	readonly done: Promise<void>;
	readonly #onRow: (row: Buffer) => void;
	#connection?: CopyConnection;
	#settle!: (error?: unknown) => void;
	#error: unknown;

	constructor(text: string, onRow: (row: Buffer) => void) {
		this.text = text;
		this.#onRow = onRow;
		this.done = new Promise((resolve, reject) => {
			let settled = false;
			this.#settle = (error) => {
				if (settled) return;
				settled = true;
				if (error === undefined) resolve();
				else reject(error);
			};
		});
	}

	submit(connection: CopyConnection): void {
		this.#connection = connection;
		connection.query(this.text);
	}

	handleCopyData(message: {chunk: Buffer}): void {
		if (this.#error !== undefined) return;
		try {
			this.#onRow(message.chunk);
		} catch (error) {
			this.abort(error);
		}
	}

	handleError(error: unknown): void {
		this.#error ??= error;
		this.#settle(this.#error);
	}

	handleReadyForQuery(): void {
		this.#settle(this.#error);
	}

	handleCopyInResponse(connection: CopyConnection): void {
		connection.sendCopyFail('radtop sends no COPY data');
	}

	handleCommandComplete(): void {}
	handleRowDescription(): void {}
	handleDataRow(): void {}
	handleEmptyQuery(): void {}
	handlePortalSuspended(): void {}

	pause(): void {
		this.#connection?.stream.pause();
	}

	resume(): void {
		this.#connection?.stream.resume();
	}

	/**
	 * Stops the COPY by closing the connection: the protocol has no way to stop a COPY TO short of a cancel
	 * request, and the server rolls back when the socket goes. The connection is not reusable afterwards.
	 */
	abort(reason: unknown): void {
		this.#error ??= reason;
		this.#settle(this.#error);
		this.#connection?.stream.destroy();
	}
}
