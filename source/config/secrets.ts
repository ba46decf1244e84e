/** The secrets radtop's config and environment know of, and the scrubbing of them out of any text. */
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
	for (const profile of Object.values(config.profiles ?? {})) {
		addUrl(profile.database);
		for (const nas of Object.values(profile.nas ?? {})) {
			if (nas.secret) secrets.push(nas.secret);
			if (nas.api?.password) secrets.push(nas.api.password);
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
