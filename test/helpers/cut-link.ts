/**
 * A TCP link in front of a database, which a test may cut (every connection through it dropped, new ones
 * refused: the site cannot be reached) and mend again on the same port.
 */
import {connect, createServer, type Server, type Socket} from 'node:net';

export interface CutLink {
	/** The database URL, through the link. */
	readonly url: string;
	/** Drops every connection and refuses new ones (ECONNREFUSED). */
	cut(): Promise<void>;
	/** Accepts connections again. */
	mend(): Promise<void>;
	close(): Promise<void>;
}

export async function startCutLink(databaseUrl: string): Promise<CutLink> {
	const target = new URL(databaseUrl);
	const sockets = new Set<Socket>();
	let server: Server | undefined;
	let port = 0;
	const listen = async () => {
		if (server) return;
		const listening = createServer((client) => {
			const upstream = connect(Number(target.port || 5432), target.hostname);
			sockets.add(client);
			sockets.add(upstream);
			const drop = () => {
				client.destroy();
				upstream.destroy();
				sockets.delete(client);
				sockets.delete(upstream);
			};
			client.on('error', drop).on('close', drop);
			upstream.on('error', drop).on('close', drop);
			client.pipe(upstream).pipe(client);
		});
		await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
		const address = listening.address();
		if (address === null || typeof address === 'string') throw new Error('no port');
		port = address.port;
		server = listening;
	};
	const stop = async () => {
		const closing = server;
		server = undefined;
		for (const socket of sockets) socket.destroy();
		sockets.clear();
		if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
	};
	await listen();
	const url = new URL(databaseUrl);
	url.hostname = '127.0.0.1';
	url.port = String(port);
	return {url: url.toString(), cut: stop, mend: listen, close: stop};
}
