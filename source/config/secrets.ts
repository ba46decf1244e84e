/** The secrets radtop's config and environment know of, and the scrubbing of them out of any text. */
import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {StoredConfig} from './profile.js';

/** Every secret the config knows of, so output can be scrubbed of them as a last line of defence. */
export function secretsOf(config: StoredConfig, urls: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
	const secrets: string[] = [];
	const addUrl = (url: string | undefined) => {
		if (!url) return;
		let password: string;
		try {
			password = new URL(url).password;
		} catch {
			return; // not a URL: nothing to extract
		}
		if (!password) return;
		// The raw (%-encoded) form first, so a malformed %-encoding cannot make it go missing.
		secrets.push(password);
		try {
			secrets.push(decodeURIComponent(password));
		} catch {
			// malformed %-encoding: the raw form is all there is
		}
	};
	for (const url of urls) addUrl(url);
	addUrl(env['DATABASE_URL']);
	if (env['PGPASSWORD']) secrets.push(env['PGPASSWORD']);
	secrets.push(...pgpassPasswords(env), ...serviceFilePasswords(env));
	for (const profile of Object.values(config.profiles ?? {})) {
		addUrl(profile.database);
		addUrl(profile.readDatabase);
		addUrl(profile.billingUrl);
		for (const nas of [
			...Object.values(profile.nas ?? {}),
			...(profile.sites ?? []).flatMap((site) => Object.values(site.nas ?? {})),
		]) {
			if (nas.secret) secrets.push(nas.secret);
			if (nas.api?.password) secrets.push(nas.api.password);
		}
		for (const site of profile.sites ?? []) {
			addUrl(site.database);
			addUrl(site.readDatabase);
		}
	}
	return [...new Set(secrets.filter((secret) => secret.length >= 3))];
}

/** Replaces each known secret in a message by "***". */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
	let scrubbed = message;
	// Longest first: a secret that contains a shorter one must go whole, not leave its tail behind.
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		if (secret) scrubbed = scrubbed.split(secret).join('***');
	}
	return scrubbed;
}

/** A file's text, or '' when it cannot be read (absent, a directory, no permission). */
function readText(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

function home(env: NodeJS.ProcessEnv): string {
	return env['HOME'] || homedir();
}

/**
 * The passwords of libpq's password file (PGPASSFILE, else ~/.pgpass): `host:port:database:user:password`
 * lines, `\:` and `\\` escaped. pg reads it for a connection without a password, and a server may echo it back.
 */
export function pgpassPasswords(env: NodeJS.ProcessEnv = process.env): string[] {
	const text = readText(env['PGPASSFILE'] || join(home(env), '.pgpass'));
	const passwords: string[] = [];
	for (const line of text.split(/\r?\n/)) {
		if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
		const fields: string[] = [];
		let field = '';
		for (let index = 0; index < line.length; index++) {
			const char = line[index]!;
			if (char === '\\' && index + 1 < line.length) field += line[++index];
			else if (char === ':' && fields.length < 4) {
				fields.push(field);
				field = '';
			} else field += char;
		}
		if (fields.length === 4 && field !== '') passwords.push(field);
	}
	return passwords;
}

/** The `password=` values of the connection service files (PGSERVICEFILE or ~/.pg_service.conf, and PGSYSCONFDIR's). */
export function serviceFilePasswords(env: NodeJS.ProcessEnv = process.env): string[] {
	const files = [env['PGSERVICEFILE'] || join(home(env), '.pg_service.conf')];
	if (env['PGSYSCONFDIR']) files.push(join(env['PGSYSCONFDIR'], 'pg_service.conf'));
	const passwords: string[] = [];
	for (const file of files) {
		for (const line of readText(file).split(/\r?\n/)) {
			const match = /^\s*password\s*=\s*(.*?)\s*$/.exec(line);
			if (match?.[1]) passwords.push(match[1]);
		}
	}
	return passwords;
}
