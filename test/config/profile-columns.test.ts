import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ConfigStore} from '../../source/config/config.js';
import {formatProfileValue, parseProfileValue, profileKey} from '../../source/config/profile-values.js';
import {chooseColumns} from '../../source/ui/table-columns.js';

describe('the columns setting', () => {
	const directories: string[] = [];
	afterEach(() => {
		for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
	});

	it('reads column names in any case and spelling, each once, in the table’s order', () => {
		expect(profileKey('columns')).toBe('columns');
		expect(parseProfileValue('columns', 'cause, STOP,session-id,user,stop')).toEqual(['user', 'stop', 'cause', 'sessionId']);
		expect(formatProfileValue('columns', ['user', 'stop', 'cause']).text).toBe('user,stop,cause');
	});

	it('refuses a name that is not a column, naming the columns', () => {
		expect(() => parseProfileValue('columns', 'user,bogus')).toThrow(/columns: user, nas, status, .*session-id/);
		expect(() => parseProfileValue('columns', '')).toThrow(/column names/);
	});

	it('is kept in the profile on disk and picks the console’s columns', () => {
		const directory = mkdtempSync(join(tmpdir(), 'radtop-columns-'));
		directories.push(directory);
		const env = {RADTOP_CONFIG_DIR: directory};
		const store = ConfigStore.open(env);
		store.setProfile('noc', {columns: parseProfileValue('columns', 'status,stop,cause')});
		const columns = ConfigStore.open(env).profile('noc')?.columns;
		expect(columns).toEqual(['status', 'stop', 'cause']);
		const shown = chooseColumns({width: 117, status: 'closed', sort: {key: 'start', direction: 'desc'}, picked: columns});
		expect(shown.map((column) => column.id)).toEqual(['user', 'status', 'start', 'stop', 'cause']);
	});
});
