/**
 * The one Session fixture builder of the test suite: a complete open session (every column present, the
 * optional ones null) whose values `overrides` replace.
 */
import type {Session} from '../../source/sessions/session.js';

export function makeSession(overrides: Partial<Session> = {}): Session {
	return {
		radacctid: '1',
		acctsessionid: 'sess-1',
		acctuniqueid: 'uniq-1',
		username: 'alice',
		realm: null,
		nasipaddress: '10.0.0.1',
		nasname: null,
		nasportid: null,
		nasporttype: null,
		acctstarttime: new Date('2026-11-25T11:00:00Z'),
		acctupdatetime: null,
		acctstoptime: null,
		acctinterval: null,
		acctsessiontime: null,
		acctauthentic: null,
		connectinfo_start: null,
		connectinfo_stop: null,
		acctinputoctets: 0,
		acctoutputoctets: 0,
		calledstationid: null,
		callingstationid: null,
		acctterminatecause: null,
		servicetype: null,
		framedprotocol: null,
		framedipaddress: null,
		framedipv6address: null,
		framedipv6prefix: null,
		framedinterfaceid: null,
		delegatedipv6prefix: null,
		class: null,
		...overrides,
	};
}
