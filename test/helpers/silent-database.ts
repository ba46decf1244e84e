/**
 * A "database" on loopback that accepts connections and never answers: a command that connected before
 * checking its flags is seen in `connections` (and would wait for it).
 */
import {createServer, type Socket} from 'node:net';

export interface SilentDatabase {
	/** postgres:// URL of the listener. */
	readonly url: string;
	/** Connections accepted since the start or the last reset(). */
	readonly connections: number;
	reset(): void;
	close(): Promise<void>;
}

export async function startSilentDatabase(): Promise<SilentDatabase> {
	let connections = 0;
	const sockets: Socket[] = [];
	const server = createServer((socket) => {
		connections += 1;
		sockets.push(socket);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('no port');
	return {
		url: `postgres://radtop@127.0.0.1:${address.port}/radius`,
		get connections() {
			return connections;
		},
		reset() {
			connections = 0;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
