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

/**
 * FreeRADIUS's authorisation tables as the stock PostgreSQL schema makes them (radcheck, radreply, the group
 * tables, radusergroup): radtop only reads them, for the subscriber behind a session. The demo and the tests
 * create them; radtop never does on a real database.
 */
export const FREERADIUS_AUTHORISATION_SQL = `
CREATE TABLE IF NOT EXISTS radcheck (
	id serial PRIMARY KEY,
	UserName text NOT NULL DEFAULT '',
	Attribute text NOT NULL DEFAULT '',
	op VARCHAR(2) NOT NULL DEFAULT '==',
	Value text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS radcheck_UserName ON radcheck (UserName, Attribute);
CREATE TABLE IF NOT EXISTS radgroupcheck (
	id serial PRIMARY KEY,
	GroupName text NOT NULL DEFAULT '',
	Attribute text NOT NULL DEFAULT '',
	op VARCHAR(2) NOT NULL DEFAULT '==',
	Value text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS radgroupcheck_GroupName ON radgroupcheck (GroupName, Attribute);
CREATE TABLE IF NOT EXISTS radgroupreply (
	id serial PRIMARY KEY,
	GroupName text NOT NULL DEFAULT '',
	Attribute text NOT NULL DEFAULT '',
	op VARCHAR(2) NOT NULL DEFAULT '=',
	Value text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS radgroupreply_GroupName ON radgroupreply (GroupName, Attribute);
CREATE TABLE IF NOT EXISTS radreply (
	id serial PRIMARY KEY,
	UserName text NOT NULL DEFAULT '',
	Attribute text NOT NULL DEFAULT '',
	op VARCHAR(2) NOT NULL DEFAULT '=',
	Value text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS radreply_UserName ON radreply (UserName, Attribute);
CREATE TABLE IF NOT EXISTS radusergroup (
	id serial PRIMARY KEY,
	UserName text NOT NULL DEFAULT '',
	GroupName text NOT NULL DEFAULT '',
	priority integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS radusergroup_UserName ON radusergroup (UserName);
`;

/**
 * radpostauth as the stock PostgreSQL schema of FreeRADIUS 3.0.x (Debian) and 3.2 makes it: the post-auth
 * query writes one row per Access-Accept or Access-Reject. Older schemas have only id, username, pass, reply
 * and authdate; radtop probes the columns and never reads `pass`.
 */
export const FREERADIUS_POSTAUTH_SQL = `
CREATE TABLE IF NOT EXISTS radpostauth (
	id bigserial PRIMARY KEY,
	username text NOT NULL,
	pass text,
	reply text,
	CalledStationId text,
	CallingStationId text,
	authdate timestamp with time zone NOT NULL default now(),
	Class text
);
CREATE INDEX IF NOT EXISTS radpostauth_username_idx ON radpostauth (username);
`;
