/**
 * `radtop export` over a profile that lists two sites, as a user runs it (the built CLI in a child process, two
 * real databases with FreeRADIUS's stock schema): one CSV with `site` first and each site's rows in turn, --limit
 * across the sites, --site one site with the same column, the filters at each site, --output, the subscriber
 * columns per site, and a site that cannot be reached ending the export before any byte, named.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_EXPORT_COLUMNS} from '../../source/sessions/export-sql.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {startCutLink, type CutLink} from '../helpers/cut-link.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createSiteDatabases, type SiteDatabases} from '../helpers/site-databases.js';

let databases: SiteDatabases;
let link: CutLink;
let dir: string;
let configDir: string;

beforeAll(async () => {
	assertBuilt();
	databases = await createSiteDatabases();
	link = await startCutLink(databases.west.url);
	dir = mkdtempSync(join(tmpdir(), 'radtop-export-sites-cli-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const east = {name: 'east', database: databases.east.url};
	const profiles = {
		two: {sites: [east, {name: 'west', database: databases.west.url}]},
		// West through a link the test cuts: the site cannot be reached.
		linked: {sites: [east, {name: 'west', database: link.url}]},
	};
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles}, null, '\t')}\n`, {mode: 0o600});
}, 60_000);

afterAll(async () => {
	await link?.close();
	await databases?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const run = (args: readonly string[], profile = 'two') =>
	runCli(['export', ...args, '--profile', profile], {
		env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')},
		cwd: dir,
	});

/** The records of a CSV, each as its site and username (the columns asked: site, username). */
const siteAndUser = (csv: string) => parseCsv(csv).map((record) => `${record[0]} ${record[1]}`);

describe('radtop export over two sites', () => {
	it('writes one CSV with site first: every site in the profile order, each site by the sort', async () => {
		const result = await run([]);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const records = parseCsv(result.stdout);
		expect(records[0]).toEqual(['site', ...DEFAULT_EXPORT_COLUMNS]);
		// Newest first at each site: west's frank is newer than everything at east, and still comes after it.
		expect(records.slice(1).map((record) => `${record[0]} ${record[2]} ${record[3]}`)).toEqual([
			'east alice bng-e',
			'east carol bng-e',
			'west frank bng-w',
			'west bob bng-w',
		]);
		const byUser = await run(['--columns', 'username', '--sort', 'user']);
		expect(siteAndUser(byUser.stdout)).toEqual(['site username', 'east alice', 'east carol', 'west bob', 'west frank']);
	});

	it('caps the rows of all the sites together: refused before any byte, with one line', async () => {
		const refused = await run(['--limit', '3']);
		expect(refused.code).toBe(1);
		expect(refused.stdout).toBe('');
		expect(refused.stderr).toBe(
			'radtop: more than 3 sessions match: narrow the filter (--from, --to, --nas, --search) or pass --no-limit\n',
		);
		const enough = await run(['--limit', '4', '--columns', 'username']);
		expect(enough.code).toBe(0);
		expect(parseCsv(enough.stdout)).toHaveLength(5);
	});

	it('--site exports that site alone, with the same site column', async () => {
		const result = await run(['--site', 'west', '--columns', 'username,nas']);
		expect(result.code).toBe(0);
		expect(parseCsv(result.stdout)).toEqual([
			['site', 'username', 'nas'],
			['west', 'frank', 'bng-w'],
			['west', 'bob', 'bng-w'],
		]);
	});

	it('applies the filters at each site against its own NAS names', async () => {
		const byFlag = await run(['--nas', 'bng-w', '--columns', 'username']);
		expect(byFlag.code).toBe(0);
		expect(siteAndUser(byFlag.stdout)).toEqual(['site username', 'west frank', 'west bob']);
		const bySearch = await run(['--search', 'nas:bng-e', '--columns', 'username']);
		expect(bySearch.code).toBe(0);
		expect(siteAndUser(bySearch.stdout)).toEqual(['site username', 'east alice', 'east carol']);
		const unknown = await run(['--nas', 'bng-x']);
		expect(unknown.code).toBe(2);
		expect(unknown.stdout).toBe('');
		expect(unknown.stderr).toMatch(/^radtop: unknown NAS "bng-x": .*known NAS: bng-e, bng-w\n$/);
	});

	it('writes --output once every site is written, saying how many rows each gave', async () => {
		const file = join(dir, 'all.csv');
		const result = await run(['--columns', 'username', '-o', file]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toBe(`radtop: wrote 4 sessions to ${file} (east 2, west 2)\n`);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(siteAndUser(readFileSync(file, 'utf8'))).toEqual(['site username', 'east alice', 'east carol', 'west frank', 'west bob']);
	});

	it('reads the subscriber columns at each site', async () => {
		const result = await run(['--columns', 'username,plan']);
		expect(result.code, result.stderr).toBe(0);
		expect(parseCsv(result.stdout)).toEqual([
			['site', 'username', 'plan'],
			['east', 'alice', 'gold'],
			['east', 'carol', ''],
			['west', 'frank', ''],
			['west', 'bob', 'silver'],
		]);
	});

	it('ends before any byte when a site cannot be reached, naming it in one line', async () => {
		const reached = await run(['--columns', 'username'], 'linked');
		expect(reached.code).toBe(0);
		await link.cut();
		try {
			const down = await run(['--columns', 'username'], 'linked');
			expect(down.code).toBe(1);
			expect(down.stdout).toBe('');
			expect(down.stderr).toMatch(/^radtop: site west unreachable \(.*\): connection refused \(127\.0\.0\.1:\d+\)\n$/);
			const file = join(dir, 'down.csv');
			const toFile = await run(['-o', file], 'linked');
			expect(toFile.code).toBe(1);
			expect(toFile.stderr).toMatch(/^radtop: site west unreachable/);
			expect(existsSync(file)).toBe(false);
			expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
		} finally {
			await link.mend();
		}
	});
});
