/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) served on a loopback port by
 * pglite-socket, so radtop reaches it through the same `pg` code as a real server.
 *
 * Creating a PGlite cluster (initdb) takes seconds, and so does writing the demo network through PGlite,
 * so both are built once into a cache directory and copied for each run. The demo network is seeded
 * relative to the time it was built; each run moves every timestamp forward by the time since, so sessions
 * always look live. PGlite serves one connection at a time: radtop gives it exactly one.
 */
import {cp, mkdir, readFile, rename, rm, writeFile, mkdtemp} from 'node:fs/promises';
import {existsSync, rmSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import {join} from 'node:path';
import {PGlite} from '@electric-sql/pglite';
import {PGLiteSocketServer} from '@electric-sql/pglite-socket';
import {FREERADIUS_SCHEMA_SQL} from './freeradius-schema.js';
import type {Queryable} from './queryable.js';

/** Bump when the schema or the seed changes, so stale caches are rebuilt. */
const CACHE_VERSION = 9;

export type EmbeddedContents = 'empty' | 'demo';

/** Writes the demo network into a fresh database (it creates the FreeRADIUS tables itself), as of `now`. */
export type EmbeddedSeed = (db: Queryable & {exec(sql: string): Promise<unknown>}, now: Date, site?: string) => Promise<unknown>;

export type EmbeddedDatabaseOptions = {
	/** Where built clusters are kept (default: $XDG_CACHE_HOME/radtop or ~/.cache/radtop). */
	readonly cacheDir?: string;
	/** Told what is happening when a slow first build runs. */
	readonly onProgress?: (message: string) => void;
} & (
	| {
			/** The FreeRADIUS tables only. */
			readonly contents: 'empty';
	  }
	| {
			/** The demo network, written by `seed` (the demo's own code: the database knows nothing of it). */
			readonly contents: 'demo';
			readonly seed: EmbeddedSeed;
			/** The demo site to build (the seed is given it; each site has its own cache); absent: the first. */
			readonly site?: string;
	  }
);

export interface EmbeddedDatabase {
	/** postgres:// URL of the loopback server. */
	readonly url: string;
	/** The PGlite instance itself, for in-process writers (the NAS simulator). */
	readonly pglite: PGlite;
	close(): Promise<void>;
}

/** The cache directory radtop uses for the embedded database. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
	const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
	return join(base, 'radtop');
}

interface CacheMeta {
	readonly version: number;
	readonly contents: EmbeddedContents;
	/** Epoch ms the demo network was seeded at. */
	readonly seededAt: number;
}

async function readMeta(directory: string): Promise<CacheMeta | undefined> {
	try {
		const meta = JSON.parse(await readFile(join(directory, 'meta.json'), 'utf8')) as CacheMeta;
		if (meta.version !== CACHE_VERSION || !existsSync(join(directory, 'pgdata'))) return undefined;
		return meta;
	} catch {
		return undefined;
	}
}

async function buildCache(directory: string, options: EmbeddedDatabaseOptions): Promise<CacheMeta> {
	const {contents, onProgress} = options;
	const parent = join(directory, '..');
	await mkdir(parent, {recursive: true});
	const building = await mkdtemp(join(parent, '.building-'));
	try {
		onProgress?.(
			contents === 'demo'
				? 'building the demo network (first run only, about 15 s)'
				: 'creating an embedded PostgreSQL cluster (first run only)',
		);
		const db = await PGlite.create(join(building, 'pgdata'));
		const seededAt = Date.now();
		if (options.contents === 'demo') await options.seed(db, new Date(seededAt), options.site);
		else await db.exec(FREERADIUS_SCHEMA_SQL);
		await db.exec('VACUUM ANALYZE');
		await db.close();
		const meta: CacheMeta = {version: CACHE_VERSION, contents, seededAt};
		await writeFile(join(building, 'meta.json'), JSON.stringify(meta));
		await rm(directory, {recursive: true, force: true});
		try {
			await rename(building, directory);
		} catch (error) {
			// Another radtop finished the same build first: use theirs.
			const theirs = await readMeta(directory);
			if (theirs) return theirs;
			throw error;
		}
		return meta;
	} finally {
		await rm(building, {recursive: true, force: true});
	}
}

/**
 * Starts an embedded PostgreSQL with the FreeRADIUS tables (and the demo network when asked) on
 * 127.0.0.1, on a free port, for one connection.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
	const cacheRoot = options.cacheDir ?? defaultCacheDir();
	const name = options.contents === 'demo' && options.site ? `demo-${options.site}` : options.contents;
	if (!/^[a-z0-9-]+$/.test(name)) throw new RangeError(`not a demo site name: ${name}`);
	const cached = join(cacheRoot, `pglite-${name}-v${CACHE_VERSION}`);
	const meta = (await readMeta(cached)) ?? (await buildCache(cached, options));

	const workDir = await mkdtemp(join(tmpdir(), 'radtop-db-'));
	const removeWorkDir = () => rmSync(workDir, {recursive: true, force: true});
	process.once('exit', removeWorkDir);
	let pglite: PGlite | undefined;
	try {
		await cp(join(cached, 'pgdata'), join(workDir, 'pgdata'), {recursive: true});
		pglite = await PGlite.create(join(workDir, 'pgdata'));
		if (meta.contents === 'demo') {
			const shift = (Date.now() - meta.seededAt) / 1000;
			await pglite.query(
				`UPDATE radacct SET acctstarttime = acctstarttime + $1 * interval '1 second',
					acctupdatetime = acctupdatetime + $1 * interval '1 second',
					acctstoptime = acctstoptime + $1 * interval '1 second'`,
				[shift],
			);
			// The demo's authentication log moves with its sessions.
			await pglite.query("UPDATE radpostauth SET authdate = authdate + $1 * interval '1 second'", [shift]);
			// The demo's NAS reload moves with its sessions, so the sessions older than it stay older.
			await pglite.query(`UPDATE nasreload SET reloadtime = reloadtime + $1 * interval '1 second'`, [shift]);
		}
		const server = new PGLiteSocketServer({db: pglite, host: '127.0.0.1', port: 0, maxConnections: 1});
		await server.start();
		const url = `postgres://postgres@${server.getServerConn()}/postgres`;
		const db = pglite;
		return {
			url,
			pglite: db,
			async close() {
				await server.stop();
				await db.close();
				removeWorkDir();
				process.removeListener('exit', removeWorkDir);
			},
		};
	} catch (error) {
		await pglite?.close().catch(() => undefined);
		removeWorkDir();
		process.removeListener('exit', removeWorkDir);
		throw error;
	}
}
