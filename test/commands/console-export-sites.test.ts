/**
 * `e` in the console over a profile that lists two sites (real PostgreSQL when DATABASE_URL is set, FreeRADIUS's
 * stock schema): every site of the view into one file with a `site` column first, or the one `:site` narrows to.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {consoleExport} from '../../source/commands/console.js';
import {openContext, type CommandContext} from '../../source/commands/context.js';
import type {ViewQuery} from '../../source/ui/state-types.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createSiteDatabases, type SiteDatabases} from '../helpers/site-databases.js';

let databases: SiteDatabases;
let dir: string;
let context: CommandContext;

beforeAll(async () => {
	databases = await createSiteDatabases();
	dir = mkdtempSync(join(tmpdir(), 'radtop-console-export-'));
	mkdirSync(join(dir, 'config'), {mode: 0o700});
	const sites = [
		{name: 'east', database: databases.east.url},
		{name: 'west', database: databases.west.url},
	];
	writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({profiles: {two: {sites}}}), {mode: 0o600});
	context = await openContext({profile: 'two'}, {env: {RADTOP_CONFIG_DIR: join(dir, 'config')}});
}, 60_000);

afterAll(async () => {
	await context?.close();
	await databases?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const view: ViewQuery = {status: 'active', search: '', nas: null, sort: {key: 'user', direction: 'asc'}};

function written(path: string): {header: string[]; rows: string[][]} {
	const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
	return {header: header!, rows};
}

describe('e over several sites', () => {
	it('writes every site of the view into one file, a site column first, each site in the view’s order', async () => {
		const out = mkdtempSync(join(dir, 'all-'));
		const {rows, path} = await consoleExport(context, out)(view);
		expect(path.startsWith(out)).toBe(true);
		expect(statSync(path).mode & 0o777).toBe(0o600);
		const csv = written(path);
		expect(csv.header[0]).toBe('site');
		const user = csv.header.indexOf('username');
		expect(csv.rows.map((row) => `${row[0]}:${row[user]}`)).toEqual(['east:alice', 'east:carol', 'west:bob', 'west:frank']);
		expect(rows).toBe(4);
	});

	it('the one site :site narrows to, with its site column', async () => {
		const out = mkdtempSync(join(dir, 'west-'));
		const {rows, path} = await consoleExport(context, out)({...view, site: 'west'});
		const csv = written(path);
		expect(csv.header[0]).toBe('site');
		expect(new Set(csv.rows.map((row) => row[0]))).toEqual(new Set(['west']));
		expect(rows).toBe(csv.rows.length);
	});
});
