import {chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ConfigStore, configDirectory} from '../../source/config/config.js';
import {type StoredConfig} from '../../source/config/profile.js';
import {scrubSecrets, secretsOf} from '../../source/config/secrets.js';
import {ConfigError, describeDatabaseUrl, describeEnvironmentDatabase, resolveDatabaseTarget} from '../../source/db/database-target.js';

const directories: string[] = [];

/** A fresh, empty config directory (not created yet: conf creates it). */
function freshDirectory(): string {
	const parent = mkdtempSync(join(tmpdir(), 'radtop-config-'));
	directories.push(parent);
	return join(parent, 'radtop');
}

/** A config directory holding a config.json with this content. */
function directoryWith(content: string): {dir: string; file: string} {
	const dir = mkdtempSync(join(tmpdir(), 'radtop-config-'));
	directories.push(dir);
	const file = join(dir, 'config.json');
	writeFileSync(file, content, {mode: 0o600});
	return {dir, file};
}

const mode = (path: string): number => statSync(path).mode & 0o777;

function configError(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return (error as Error).message;
	}
	throw new Error('expected a ConfigError');
}

afterEach(() => {
	for (const dir of directories.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe('configDirectory', () => {
	it('is RADTOP_CONFIG_DIR when set, else left to the platform', () => {
		expect(configDirectory({RADTOP_CONFIG_DIR: '/tmp/x'})).toBe('/tmp/x');
		expect(configDirectory({})).toBeUndefined();
		expect(configDirectory({RADTOP_CONFIG_DIR: ''})).toBeUndefined();
	});
});

describe('ConfigStore', () => {
	it('keeps its file in RADTOP_CONFIG_DIR, mode 0600 in a 0700 directory', () => {
		const dir = freshDirectory();
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir});
		expect(store.path).toBe(join(dir, 'config.json'));
		store.setProfile('core', {database: 'postgres://radius:s3cr3t@db1/radius', staleAfter: 900});
		expect(existsSync(store.path)).toBe(true);
		expect(mode(store.path)).toBe(0o600);
		expect(mode(dir)).toBe(0o700);
		const saved = JSON.parse(readFileSync(store.path, 'utf8')) as StoredConfig;
		expect(saved.profiles?.['core']?.staleAfter).toBe(900);
	});

	it('reads back what it wrote, in a new store', () => {
		const dir = freshDirectory();
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir});
		store.setProfile('a', {database: 'postgres://a@h/db'});
		store.setProfile('b', {interval: 5});
		store.setDefaultProfile('b');
		const reopened = ConfigStore.open({RADTOP_CONFIG_DIR: dir});
		expect(reopened.profile('a')).toEqual({database: 'postgres://a@h/db'});
		expect(reopened.selectProfile()).toEqual({name: 'b', profile: {interval: 5}});
		expect(reopened.selectProfile('a')).toEqual({name: 'a', profile: {database: 'postgres://a@h/db'}});
	});

	it('changes no permission on open: a file others can read gets a one-line warning instead', () => {
		const {dir, file} = directoryWith('{"profiles":{"x":{"database":"postgres://u:pw@h/db"}}}');
		chmodSync(file, 0o644);
		chmodSync(dir, 0o755);
		const warnings: string[] = [];
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir}, {warn: (message) => warnings.push(message)});
		expect(store.selectProfile('x')?.profile.database).toBe('postgres://u:pw@h/db');
		expect(mode(file)).toBe(0o644);
		expect(mode(dir)).toBe(0o755);
		expect(warnings).toEqual([`${file} can be read by other users and may hold secrets (chmod 600 ${file})`]);
		chmodSync(file, 0o600);
		ConfigStore.open({RADTOP_CONFIG_DIR: dir}, {warn: (message) => warnings.push(message)});
		expect(warnings).toHaveLength(1);
	});

	it('a write tightens the file it owns, never the directory (a shared 1777 one keeps its sticky bit)', () => {
		const {dir, file} = directoryWith('{"profiles":{"x":{"interval":5}}}');
		chmodSync(dir, 0o1777);
		chmodSync(file, 0o644);
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir}, {warn: () => {}});
		store.setProfileValue('x', 'interval', 6);
		expect(mode(file)).toBe(0o600);
		expect(statSync(dir).mode & 0o7777).toBe(0o1777);
	});

	it('creates a missing directory 0700, whatever the umask', () => {
		const dir = join(freshDirectory(), 'nested');
		const umask = process.umask(0o022);
		try {
			ConfigStore.open({RADTOP_CONFIG_DIR: dir});
		} finally {
			process.umask(umask);
		}
		expect(mode(dir)).toBe(0o700);
	});

	it.runIf(process.getuid?.() === 0)("leaves the mode of another user's file as it is, even when writing it", () => {
		const {dir, file} = directoryWith('{"profiles":{"x":{"interval":5}}}');
		chmodSync(file, 0o640);
		chownSync(file, 65_534, 65_534);
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir}, {warn: () => {}});
		store.setProfileValue('x', 'interval', 6);
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({profiles: {x: {interval: 6}}});
		expect(mode(file)).toBe(0o640);
		expect(statSync(file).uid).toBe(65_534);
	});

	it('reports a malformed file as a ConfigError and leaves it untouched', () => {
		const content = '{"profiles": {"x": {"database": "postgres://u:pw@h/db"}},, }';
		const {dir, file} = directoryWith(content);
		const message = configError(() => ConfigStore.open({RADTOP_CONFIG_DIR: dir}));
		expect(message).toMatch(/^cannot read .*config\.json: not valid JSON at position \d+$/);
		expect(message).toContain(file);
		expect(readFileSync(file, 'utf8')).toBe(content);
	});

	it('never echoes file content in the parse error (it may be a secret)', () => {
		// A hand-edited file with an unquoted NAS secret: JSON.parse's message quotes the text around the error.
		const content = '{"profiles":{"p":{"nas":{"a":{"ip":"10.0.0.1","secret": testing123secret}}}}}';
		const {dir, file} = directoryWith(content);
		const message = configError(() => ConfigStore.open({RADTOP_CONFIG_DIR: dir}));
		expect(message).not.toContain('testing');
		expect(message).not.toContain('secret"');
		expect(message).toBe(`cannot read ${file}: not valid JSON`);
		expect(readFileSync(file, 'utf8')).toBe(content);
	});

	it('takes a NAS override\'s IP from its key when it has no "ip"', () => {
		const {dir} = directoryWith(
			'{"profiles":{"p":{"nas":{"10.20.0.9":{"secret":"s3cr3t-nas","coaPort":3799},"2001:DB8::1":{"name":"v6"}}}}}',
		);
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir});
		expect(store.profile('p')?.nas).toEqual({
			'10.20.0.9': {ip: '10.20.0.9', secret: 's3cr3t-nas', coaPort: 3799},
			'2001:DB8::1': {ip: '2001:DB8::1', name: 'v6'},
		});
		expect(store.selectProfile('p')?.profile.nas?.['10.20.0.9']?.ip).toBe('10.20.0.9');
		// Editing the profile stores the IP the override lacked.
		store.setProfileValue('p', 'interval', 7);
		const saved = JSON.parse(readFileSync(store.path, 'utf8')) as StoredConfig;
		expect(saved.profiles?.['p']?.nas?.['10.20.0.9']).toEqual({ip: '10.20.0.9', secret: 's3cr3t-nas', coaPort: 3799});
	});

	it('reports a malformed NAS override in one line naming the entry, never its secret', () => {
		const cases: Array<[string, RegExp]> = [
			['{"bng-x":{"secret":"s3cr3t-nas"}}', /profile "p", nas entry "bng-x" has no "ip" and its key is not an IP address$/],
			['{"10.0.0.1":{"ip":"bng","secret":"s3cr3t-nas"}}', /nas entry "10\.0\.0\.1": "ip" must be an IP address$/],
			['{"10.0.0.1":{"ip":10,"secret":"s3cr3t-nas"}}', /nas entry "10\.0\.0\.1": "ip" must be an IP address$/],
			['{"10.0.0.1":{"secret":12345678}}', /"secret" must be a string$/],
			['{"10.0.0.1":{"secret":"s3cr3t-nas","coaPort":"3799"}}', /"coaPort" must be a port from 1 to 65535$/],
			['{"10.0.0.1":{"secret":"s3cr3t-nas","vendor":"nokia"}}', /"vendor" must be one of mikrotik, /],
			['{"10.0.0.1":{"secret":"s3cr3t-nas","messageAuthenticator":"no"}}', /"messageAuthenticator" must be true or false$/],
			['{"10.0.0.1":{"api":{"user":"u","password":"s3cr3t-nas","port":0}}}', /"api\.port" must be a port from 1 to 65535$/],
			['{"10.0.0.1":{"api":"s3cr3t-nas"}}', /"api" must be an object$/],
			['{"10.0.0.1":"s3cr3t-nas"}', /nas entry "10\.0\.0\.1" is not an object$/],
			['["s3cr3t-nas"]', /profile "p": "nas" must be an object of NAS keyed by IP$/],
		];
		for (const [nas, expected] of cases) {
			const {dir, file} = directoryWith(`{"profiles":{"p":{"nas":${nas}}}}`);
			const store = ConfigStore.open({RADTOP_CONFIG_DIR: dir});
			for (const load of [() => store.profile('p'), () => store.selectProfile('p')]) {
				const message = configError(load);
				expect(message, nas).toMatch(expected);
				expect(message, nas).toContain(`invalid config ${file}`);
				expect(message, nas).not.toContain('s3cr3t');
				expect(message, nas).not.toContain('\n');
			}
		}
	});

	it('starts empty without a file, and selects no profile', () => {
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: freshDirectory()});
		expect(store.data).toEqual({});
		expect(store.selectProfile()).toBeUndefined();
		expect(existsSync(store.path)).toBe(false);
	});

	it('falls back to a profile named "default" without defaultProfile', () => {
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: freshDirectory()});
		store.setProfile('default', {interval: 2});
		expect(store.selectProfile()).toEqual({name: 'default', profile: {interval: 2}});
	});

	it('selecting an unknown profile is a ConfigError listing the known ones', () => {
		const store = ConfigStore.open({RADTOP_CONFIG_DIR: freshDirectory()});
		expect(configError(() => store.selectProfile('nope'))).toMatch(/^no profile "nope" in .*config\.json$/);
		store.setProfile('core', {});
		store.setProfile('edge', {});
		expect(configError(() => store.selectProfile('nope'))).toMatch(/\(profiles: core, edge\)$/);
	});
});

describe('resolveDatabaseTarget', () => {
	const flagUrl = 'postgres://flag@h/db';
	const explicitUrl = 'postgres://explicit@h/db';
	const envUrl = 'postgresql://env@h/db';
	const defaultUrl = 'postgres://default@h/db';
	const everything = {
		demo: true,
		db: flagUrl,
		explicitProfile: {database: explicitUrl},
		defaultProfile: {database: defaultUrl},
		env: {DATABASE_URL: envUrl, PGHOST: 'pg'},
	};

	it('--demo > --db > explicit profile > DATABASE_URL > default profile > environment', () => {
		expect(resolveDatabaseTarget(everything)).toEqual({kind: 'demo'});
		expect(resolveDatabaseTarget({...everything, demo: false})).toEqual({kind: 'url', url: flagUrl, from: 'flag'});
		expect(resolveDatabaseTarget({...everything, demo: false, db: undefined})).toEqual({
			kind: 'url',
			url: explicitUrl,
			from: 'profile',
		});
		expect(resolveDatabaseTarget({...everything, demo: false, db: undefined, explicitProfile: undefined})).toEqual({
			kind: 'url',
			url: envUrl,
			from: 'DATABASE_URL',
		});
		expect(resolveDatabaseTarget({defaultProfile: {database: defaultUrl}, env: {PGHOST: 'pg'}})).toEqual({
			kind: 'url',
			url: defaultUrl,
			from: 'profile',
		});
		expect(resolveDatabaseTarget({env: {PGHOST: 'pg'}})).toEqual({kind: 'environment'});
	});

	it('skips profiles without a database and an empty DATABASE_URL', () => {
		expect(resolveDatabaseTarget({explicitProfile: {interval: 5}, defaultProfile: {}, env: {DATABASE_URL: ''}})).toEqual({
			kind: 'environment',
		});
		expect(resolveDatabaseTarget({explicitProfile: {interval: 5}, env: {DATABASE_URL: envUrl}})).toMatchObject({from: 'DATABASE_URL'});
	});

	it('rejects a URL that is not postgres://', () => {
		expect(configError(() => resolveDatabaseTarget({db: 'mysql://u:pw@h/db', env: {}}))).toBe(
			'--db must be a postgres:// or postgresql:// URL, not mysql://',
		);
		expect(configError(() => resolveDatabaseTarget({env: {DATABASE_URL: 'http://x'}}))).toContain('DATABASE_URL');
	});

	it('never puts the password of an invalid URL into the error', () => {
		for (const url of [
			'postgres://u:s3cr3tpw@[bad',
			'postgres://u:s3cr3tpw@host:99999999/db',
			's3cr3tpw',
			'postgres://u:s3cr3tpw@ho st/db',
		]) {
			for (const input of [
				{db: url, env: {}},
				{explicitProfile: {database: url}, env: {}},
				{env: {DATABASE_URL: url}},
				{defaultProfile: {database: url}, env: {}},
			]) {
				const message = configError(() => resolveDatabaseTarget(input));
				expect(message).not.toContain('s3cr3tpw');
				expect(message).toMatch(/(--db|the profile|DATABASE_URL) is not a valid postgres:\/\/ URL/);
			}
		}
	});
});

describe('describeDatabaseUrl', () => {
	it('shows user@host:port/db without the password or query parameters', () => {
		expect(describeDatabaseUrl('postgres://radius:s3cr3tpw@db1.example:6432/radius?sslmode=require&password=x')).toBe(
			'radius@db1.example:6432/radius',
		);
		expect(describeDatabaseUrl('postgresql://radius@db1/radius')).toBe('radius@db1/radius');
		expect(describeDatabaseUrl('postgres://db1')).toBe('db1/');
	});

	it('decodes percent-encoded names and never leaks an encoded password', () => {
		const text = describeDatabaseUrl('postgres://ops%40noc:p%40ss%2Fw0rd@db1/radius%2Dprod');
		expect(text).toBe('ops@noc@db1/radius-prod');
		expect(text).not.toContain('p@ss');
		expect(text).not.toContain('p%40ss');
	});

	it('uses the host parameter of a socket URL and says "database" for garbage', () => {
		expect(describeDatabaseUrl('postgres:///radius?host=/var/run/postgresql')).toBe('/var/run/postgresql/radius');
		expect(describeDatabaseUrl('postgres://u:s3cr3tpw@[bad')).toBe('database');
	});
});

describe('describeEnvironmentDatabase', () => {
	it('reads libpq variables with their defaults and no password', () => {
		expect(
			describeEnvironmentDatabase({PGUSER: 'radius', PGHOST: 'db1', PGPORT: '6432', PGDATABASE: 'acct', PGPASSWORD: 'pw123'}),
		).toBe('radius@db1:6432/acct');
		expect(describeEnvironmentDatabase({USER: 'noc'})).toBe('noc@localhost:5432/noc');
		expect(describeEnvironmentDatabase({})).toBe('postgres@localhost:5432/postgres');
	});
});

describe('secretsOf and scrubSecrets', () => {
	const config: StoredConfig = {
		profiles: {
			core: {
				database: 'postgres://radius:db%2Fpass1@db1/radius',
				nas: {
					bng1: {ip: '10.0.0.1', secret: 'nas-secret-1', api: {user: 'admin', password: 'api-pass-1'}},
					bng2: {ip: '10.0.0.2', secret: 'xy'},
				},
			},
			edge: {database: 'postgres://radius@db2/radius'},
		},
	};

	it('collects DB passwords (decoded and encoded), NAS secrets, API passwords, and the environment', () => {
		const secrets = secretsOf(config, ['postgres://u:flagpass@h/db'], {
			DATABASE_URL: 'postgres://u:envpass@h/db',
			PGPASSWORD: 'pgpass',
		});
		expect(secrets).toEqual(
			expect.arrayContaining(['db/pass1', 'db%2Fpass1', 'nas-secret-1', 'api-pass-1', 'flagpass', 'envpass', 'pgpass']),
		);
		// Too short to scrub without mangling every message.
		expect(secrets).not.toContain('xy');
		expect(new Set(secrets).size).toBe(secrets.length);
	});

	it('keeps a password whose %-encoding is malformed, in its raw form', () => {
		// decodeURIComponent throws on "%zz" and on a lone "%E0": the password must not be lost with it.
		const secrets = secretsOf(
			{profiles: {p: {database: 'postgres://radius:pro%zzfile@db1/radius'}}},
			['postgres://u:fl%E0gpass@h/db'],
			{DATABASE_URL: 'postgres://u:env%pass@h/db'},
		);
		expect(secrets).toEqual(expect.arrayContaining(['pro%zzfile', 'fl%E0gpass', 'env%pass']));
		expect(scrubSecrets('password authentication failed: fl%E0gpass, pro%zzfile', secrets)).toBe(
			'password authentication failed: ***, ***',
		);
	});

	it('scrubs every occurrence of every secret from a message', () => {
		const secrets = secretsOf(config, [], {PGPASSWORD: 'pgpass'});
		const message = 'failed: postgres://radius:db%2Fpass1@db1 (db/pass1), nas-secret-1 nas-secret-1, api-pass-1, pgpass';
		const scrubbed = scrubSecrets(message, secrets);
		for (const secret of ['db/pass1', 'db%2Fpass1', 'nas-secret-1', 'api-pass-1', 'pgpass']) expect(scrubbed).not.toContain(secret);
		expect(scrubbed).toBe('failed: postgres://radius:***@db1 (***), *** ***, ***, ***');
	});

	it('leaves a message without secrets alone', () => {
		expect(scrubSecrets('connection refused (127.0.0.1:5432)', secretsOf(config, [], {}))).toBe('connection refused (127.0.0.1:5432)');
		expect(scrubSecrets('anything', [])).toBe('anything');
		expect(scrubSecrets('anything', [''])).toBe('anything');
	});

	it('scrubs a secret that contains another secret completely', () => {
		const secrets = secretsOf(
			{profiles: {p: {nas: {a: {ip: '10.0.0.1', secret: 'abc'}, b: {ip: '10.0.0.2', secret: 'abcdef123'}}}}},
			[],
			{},
		);
		expect(scrubSecrets('secret abcdef123 here', secrets)).not.toContain('def123');
	});
});
