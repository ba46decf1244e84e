/**
 * The NAS half of `radtop doctor`, evaluated from facts (gathered by nas-facts.ts): for each NAS, whether radtop
 * knows a way to disconnect its sessions, which address the NAS sees radtop come from, whether its CoA port
 * answers with our secret, and whether the RouterOS API login works. Pure.
 */
import {formatEndpoint} from '../net/address.js';
import {describeErrorCause} from '../radius/dictionary.js';
import {formatCount} from '../sessions/format.js';
import {result, type CheckResult} from './check.js';

/** What doctor knows about one NAS, without its secret or API password. */
export interface NasSummary {
	readonly ip: string;
	/** `bng-2 (10.20.0.2)`, or the IP. */
	readonly label: string;
	readonly secretSource: 'nas-table' | 'config' | 'none';
	readonly coaHost: string;
	readonly coaPort: number;
	readonly vendor: string;
	readonly api?: {readonly host: string; readonly port: number; readonly tls: boolean; readonly user: string};
	/** Open sessions in radacct, when the database could be read. */
	readonly openSessions?: number;
}

/** How the Disconnect-Request for a session that cannot exist ended. */
export type CoaProbe =
	| {readonly kind: 'nak'; readonly errorCause?: number}
	| {readonly kind: 'ack'}
	/** A reply came from the NAS but did not verify with our secret. */
	| {readonly kind: 'bad-authenticator'}
	/** A reply came, but from another address or port than the request went to. */
	| {readonly kind: 'other-source'; readonly from: string}
	| {readonly kind: 'timeout'; readonly attempts: number; readonly elapsedMs: number}
	| {readonly kind: 'error'; readonly message: string};

export interface NasFacts {
	readonly nas: NasSummary;
	/** The local address the OS picks to reach the NAS's CoA port. */
	readonly source?: {readonly address: string} | {readonly error: string};
	/** Undefined when the NAS has no secret, or CoA probing was not asked for. */
	readonly coa?: CoaProbe;
	/** Undefined when radtop has no API credentials for the NAS. */
	readonly api?: {readonly ok: true} | {readonly ok: false; readonly message: string};
}

/** Loopback: 127.0.0.0/8 or ::1 (also as an IPv4-mapped address). */
export function isLoopback(address: string): boolean {
	const plain = address.replace(/^::ffff:/i, '');
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain) || plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

/** `nas set IP` adds settings for a NAS of the nas table too, so it works whether or not the config has the NAS. */
const ADD_SECRET = (nas: NasSummary) =>
	`radtop nas set ${nas.ip} --secret-stdin (prompts for the secret, or reads it piped), or add the NAS to FreeRADIUS's nas table (nasname '${nas.ip}', its secret)`;

const ADD_API = (nas: NasSummary) =>
	`radtop nas set ${nas.ip} --api-user USER --api-password-stdin (a RouterOS user with the api policy; the password is prompted for or piped)`;

/** Error-Causes of a NAK that refuse the request's attributes: Unsupported-Attribute, Invalid-Request, Invalid-Attribute-Value. */
const REFUSED_ATTRIBUTES: ReadonlySet<number> = new Set([401, 404, 407]);

/** Whether radtop knows any way to disconnect the NAS's sessions. */
export function secretCheck(nas: NasSummary): CheckResult {
	const check = `nas ${nas.label}: secret`;
	const sessions = nas.openSessions === undefined ? '' : `${formatCount(nas.openSessions)} open sessions; `;
	const from = {'nas-table': 'secret from the nas table', config: "secret from radtop's config", none: 'no secret'}[nas.secretSource];
	const api = nas.api ? `RouterOS API as ${nas.api.user}` : 'no RouterOS API credentials';
	const detail = `${sessions}${from}, ${api}`;
	if (nas.secretSource === 'none' && !nas.api) {
		return result(check, 'fail', `${detail}: radtop cannot disconnect sessions on this NAS`, ADD_SECRET(nas));
	}
	if (nas.secretSource === 'none') return result(check, 'warn', `${detail}: only the RouterOS API, no CoA`, ADD_SECRET(nas));
	if (!nas.api && nas.vendor === 'mikrotik') {
		return result(check, 'warn', `${detail}: only CoA, no fallback when the NAS does not answer`, ADD_API(nas));
	}
	return result(check, 'pass', detail);
}

/** Which address the NAS sees radtop's requests come from. */
export function sourceCheck(nas: NasSummary, source: NonNullable<NasFacts['source']>): CheckResult {
	const check = `nas ${nas.label}: source address`;
	if ('error' in source) {
		return result(
			check,
			'fail',
			`no route to ${formatEndpoint(nas.coaHost, nas.coaPort)}: ${source.error}`,
			`check the jump host's routes and the NAS address (radtop nas set ${nas.ip} --coa-host ADDRESS)`,
		);
	}
	const detail = `the NAS sees radtop as ${source.address}: it must be a RADIUS client of the NAS with this address`;
	if (isLoopback(source.address) && !isLoopback(nas.coaHost)) {
		return result(
			check,
			'warn',
			`${detail}, a loopback address for a NAS that is not local`,
			'check the routes towards the NAS: its replies cannot come back to a loopback address',
		);
	}
	return result(check, 'pass', detail);
}

/** What the Disconnect-Request for a session that cannot exist showed. */
export function coaCheck(nas: NasSummary, probe: CoaProbe, source?: NasFacts['source']): CheckResult {
	const check = `nas ${nas.label}: CoA ${nas.coaHost === nas.ip ? `port ${nas.coaPort}` : formatEndpoint(nas.coaHost, nas.coaPort)}`;
	const us = source && 'address' in source ? source.address : 'the jump host';
	const sameSecret = `make the secret radtop has (nas table, or radtop nas set ${nas.ip} --secret-stdin) the one the NAS has for the client ${us}`;
	switch (probe.kind) {
		case 'nak': {
			const cause = probe.errorCause === undefined ? 'no Error-Cause' : describeErrorCause(probe.errorCause);
			const detail = `answers: NAK (${cause}) for a session that cannot exist; the reply verified with our secret`;
			if (probe.errorCause === 501) {
				return result(
					check,
					'warn',
					`${detail}, but the NAS refuses disconnects from us`,
					'allow Disconnect-Requests from this client on the NAS (dynamic authorization / incoming CoA)',
				);
			}
			if (probe.errorCause === 403) {
				return result(
					check,
					'warn',
					`${detail}, but the NAS does not recognise itself in NAS-IP-Address`,
					`radtop nas set ${nas.ip} --vendor V (mikrotik, cisco, juniper or accel-ppp) so radtop does not send NAS-IP-Address`,
				);
			}
			if (probe.errorCause !== undefined && REFUSED_ATTRIBUTES.has(probe.errorCause)) {
				return result(
					check,
					'warn',
					`${detail}, but the NAS refuses the attributes of vendor profile ${nas.vendor}: real disconnects will fail too`,
					`check the NAS's vendor: radtop nas set ${nas.ip} --vendor V (mikrotik, cisco, juniper, accel-ppp or generic)`,
				);
			}
			// No Error-Cause, no session (503), or no Framed-IP-Address (402: the probe leaves it out on purpose, and a
			// hotspot wants it): the NAS looked for the session, so a real one would be found.
			if (probe.errorCause === undefined || probe.errorCause === 503 || probe.errorCause === 402)
				return result(check, 'pass', detail);
			return result(
				check,
				'warn',
				`${detail}, but not because the session does not exist: real disconnects may be refused the same way`,
				`look up Error-Cause ${probe.errorCause} in the NAS's log and documentation; check its vendor (radtop nas set ${nas.ip} --vendor V)`,
			);
		}
		case 'ack':
			return result(
				check,
				'warn',
				'the NAS ACKed a Disconnect-Request for a session that cannot exist (User-Name radtop-doctor-probe): odd',
				`check how the NAS matches sessions before disconnecting through it (vendor profile ${nas.vendor})`,
			);
		case 'bad-authenticator':
			return result(
				check,
				'fail',
				'a reply came back, but its authenticator does not verify with our secret: wrong shared secret',
				sameSecret,
			);
		case 'other-source':
			return result(
				check,
				'fail',
				`the reply came from ${probe.from}, not from ${formatEndpoint(nas.coaHost, nas.coaPort)}: radtop drops it`,
				`radtop nas set ${nas.ip} --coa-host ADDRESS, the address the NAS answers from`,
			);
		case 'timeout':
			return result(
				check,
				'fail',
				`no answer in ${probe.attempts} ${probe.attempts === 1 ? 'try' : 'tries'} (${(probe.elapsedMs / 1000).toFixed(1)} s): port closed, firewall, or the NAS does not know this host as a client / wrong secret (many NAS drop silently)`,
				`enable incoming CoA on the NAS on port ${nas.coaPort} (RouterOS: /radius incoming set accept=yes port=${nas.coaPort}), add ${us} as a RADIUS client there, open UDP ${nas.coaPort} between; ${sameSecret}`,
			);
		case 'error':
			return result(
				check,
				'fail',
				probe.message,
				`check coaHost and coaPort for this NAS (radtop nas set ${nas.ip} --coa-host ADDRESS --coa-port N)`,
			);
	}
}

/** Whether the RouterOS API login works. */
export function apiCheck(nas: NasSummary, login: NonNullable<NasFacts['api']>): CheckResult {
	const api = nas.api!;
	const check = `nas ${nas.label}: RouterOS API`;
	const where = `${formatEndpoint(api.host, api.port)}${api.tls ? ' (TLS)' : ''}`;
	if (login.ok) return result(check, 'pass', `logged in at ${where} as ${api.user}`);
	return result(
		check,
		'fail',
		login.message,
		`check the API user and password (radtop nas set ${nas.ip} --api-user USER --api-password-stdin), and that /ip service ${api.tls ? 'api-ssl' : 'api'} is enabled and allows this host`,
	);
}

/** Every check of one NAS, in print order. */
export function nasChecks(facts: NasFacts): CheckResult[] {
	const checks = [secretCheck(facts.nas)];
	if (facts.source) checks.push(sourceCheck(facts.nas, facts.source));
	if (facts.coa) checks.push(coaCheck(facts.nas, facts.coa, facts.source));
	if (facts.api && facts.nas.api) checks.push(apiCheck(facts.nas, facts.api));
	return checks;
}
