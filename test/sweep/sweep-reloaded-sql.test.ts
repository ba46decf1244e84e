/** The sweep's listing with FreeRADIUS's nasreload, as SQL: joined only when readable, every value bound. Pure. */
import {describe, expect, it} from 'vitest';
import {buildStaleListQuery, RELOADED_PREDICATE} from '../../source/sweep/sweep-sql.js';

describe('buildStaleListQuery and nasreload', () => {
	it('does not name nasreload when it is not read', () => {
		const query = buildStaleListQuery({staleAfterSeconds: 1800, limit: 10});
		expect(query.text).not.toContain('nasreload');
		expect(query.text).toContain('NULL::timestamptz AS reloaded_at');
	});

	it('marks the ghost candidates among the stale sessions through a LEFT JOIN', () => {
		const query = buildStaleListQuery({staleAfterSeconds: 1800, limit: 10, nasReload: true});
		expect(query.text).toContain('LEFT JOIN nasreload USING (nasipaddress)');
		expect(query.text).toContain(`CASE WHEN ${RELOADED_PREDICATE} THEN nasreload.reloadtime END AS reloaded_at`);
		expect(query.text).toMatch(/COALESCE\(radacct\.acctupdatetime, radacct\.acctstarttime\) < now\(\) - GREATEST/);
	});

	it('--reloaded selects them by the reload instead of the silence, the NAS filter still bound', () => {
		const query = buildStaleListQuery({staleAfterSeconds: 1800, limit: 10, nasReload: true, reloaded: true, nasIps: ["10.0.0.1'; --"]});
		expect(query.text).toContain(' JOIN nasreload USING (nasipaddress)');
		expect(query.text).not.toContain('LEFT JOIN nasreload');
		expect(query.text).toContain(`WHERE radacct.acctstoptime IS NULL AND ${RELOADED_PREDICATE} AND nasipaddress = ANY($`);
		expect(query.text).not.toMatch(/< now\(\) - GREATEST/);
		expect(query.text).not.toContain('10.0.0.1');
		expect(query.values).toContainEqual(["10.0.0.1'; --"]);
	});

	it('refuses --reloaded without nasreload', () => {
		expect(() => buildStaleListQuery({staleAfterSeconds: 1800, limit: 10, reloaded: true})).toThrow(RangeError);
	});
});
