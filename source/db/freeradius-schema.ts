/**
 * radtop's own copy of the FreeRADIUS 3 PostgreSQL tables it reads (radacct and nas), with the columns,
 * types and indexes of the stock `schema.sql`. Used to build test and demo databases; radtop never runs it
 * against a user's database.
 */
export const FREERADIUS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS radacct (
	radacctid bigserial PRIMARY KEY,
	acctsessionid text NOT NULL,
	acctuniqueid text NOT NULL UNIQUE,
	username text,
	realm text,
	nasipaddress inet NOT NULL,
	nasportid text,
	nasporttype text,
	acctstarttime timestamp with time zone,
	acctupdatetime timestamp with time zone,
	acctstoptime timestamp with time zone,
	acctinterval bigint,
	acctsessiontime bigint,
	acctauthentic text,
	connectinfo_start text,
	connectinfo_stop text,
	acctinputoctets bigint,
	acctoutputoctets bigint,
	calledstationid text,
	callingstationid text,
	acctterminatecause text,
	servicetype text,
	framedprotocol text,
	framedipaddress inet,
	framedipv6address inet,
	framedipv6prefix inet,
	framedinterfaceid text,
	delegatedipv6prefix inet,
	class text
);
CREATE INDEX IF NOT EXISTS radacct_active_session_idx ON radacct (acctuniqueid) WHERE acctstoptime IS NULL;
CREATE INDEX IF NOT EXISTS radacct_bulk_close ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;
CREATE INDEX IF NOT EXISTS radacct_start_user_idx ON radacct (acctstarttime, username);
CREATE INDEX IF NOT EXISTS radacct_calss_idx ON radacct (class);

CREATE TABLE IF NOT EXISTS nas (
	id serial PRIMARY KEY,
	nasname text NOT NULL,
	shortname text NOT NULL,
	type text NOT NULL DEFAULT 'other',
	ports integer,
	secret text NOT NULL,
	server text,
	community text,
	description text
);
CREATE INDEX IF NOT EXISTS nas_nasname ON nas (nasname);
`;
