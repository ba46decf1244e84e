/**
 * `radtop export`'s command over a profile that lists two sites, in this process so stderr can be a terminal
 * (real PostgreSQL when DATABASE_URL is set, FreeRADIUS's stock schema): the progress line counts across the
 * sites and the last line gives each site's rows; a site that fails once rows are written is named, and stdout
 * is said to be incomplete.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openContext} from '../../source/commands/context.js';
import {parseExportFlags, runExport} from '../../source/commands/export.js';
import {EXIT} from '../../source/commands/usage.js';
import {startCutLink, type CutLink} from '../helpers/cut-link.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createSiteDatabases, type SiteDatabases} from '../helpers/site-databases.js';

let databases: SiteDatabases;
let link: CutLink;
let dir: string;

beforeAll(async () => {
	databases = await createSiteDatabases();
	link = await startCutLink(databases.west.url);
	dir = mkdtempSync(join(tmpdir(), 'radtop-export-sites-'));
	mkdirSync(join(dir, 'config'), {mode: 0o700});
	const sites = [
		{name: 'east', database: databases.east.url},
		{name: 'west', database: link.url},
	];
	writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({profiles: {two: {sites}}}), {mode: 0o600});
}, 60_000);

afterAll(async () => {
	await link?.close();
	await databases?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** A terminal's stderr: what was written to it. */
function terminal(): {stream: NodeJS.WriteStream; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	return {stream: Object.assign(stream, {isTTY: true}) as unknown as NodeJS.WriteStream, text: () => text};
}

/** A pipe on stdout; `onWrite` runs before each write is taken. */
function pipe(onWrite?: () => Promise<void>): {stream: Writable; text: () => string} {
	let text = '';
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			Promise.resolve(onWrite?.()).then(() => {
				text += chunk.toString('utf8');
				callback();
			}, callback);
		},
	});
	return {stream, text: () => text};
}

async function exportSites(flags: Record<string, unknown>, stdout: Writable, stderr: NodeJS.WriteStream): Promise<number> {
	const context = await openContext({profile: 'two'}, {env: {RADTOP_CONFIG_DIR: join(dir, 'config')}});
	try {
		return await runExport(context, parseExportFlags(flags, new Date()), {stdout, stderr});
	} finally {
		await context.close();
	}
}

describe('radtop export over sites, to a terminal', () => {
	it('counts the progress across the sites and ends with each site’s rows', async () => {
		const stdout = pipe();
		const stderr = terminal();
		expect(await exportSites({columns: 'username'}, stdout.stream, stderr.stream)).toBe(EXIT.ok);
		expect(parseCsv(stdout.text())).toHaveLength(5);
		// Each site's rows are one block here: the line is shown after the first (2 of 4) and after the second (4 of 4).
		const shown = [...stderr.text().matchAll(/exporting (\d+)\/(\d+) sessions/g)].map((match) => `${match[1]}/${match[2]}`);
		expect(shown[0]).toBe('2/4');
		expect(stderr.text().endsWith('\r\x1b[Kradtop: exported 4 sessions (east 2, west 2)\n')).toBe(true);
	});

	it.each([
		[
			'username',
			[
				['site', 'username'],
				['east', 'alice'],
				['east', 'carol'],
			],
		],
		[
			'username,plan',
			[
				['site', 'username', 'plan'],
				['east', 'alice', 'gold'],
				['east', 'carol', ''],
			],
		],
	])('names a site that fails once rows are written, and says stdout is incomplete (--columns %s)', async (columns, rows) => {
		// West is opened and counted; its link is cut while east's rows are written.
		const stdout = pipe(() => link.cut());
		const stderr = terminal();
		try {
			expect(await exportSites({columns}, stdout.stream, stderr.stream)).toBe(EXIT.failure);
		} finally {
			await link.mend();
		}
		expect(parseCsv(stdout.text())).toEqual(rows);
		// The progress line is cleared, then one line says what failed.
		const text = stderr.text();
		expect(text.match(/radtop: /g)).toHaveLength(1);
		const cleared = text.lastIndexOf('\x1b[K');
		expect(cleared < 0 ? text : text.slice(cleared + 3)).toMatch(/^radtop: site west: .+; the output is incomplete\n$/);
	});
});
