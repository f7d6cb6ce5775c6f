-- One database and one user per service: no service can read another's tables.
-- Local passwords only; production takes them from secrets.
CREATE USER consent WITH PASSWORD 'consent-local-only';
CREATE DATABASE consent OWNER consent;
REVOKE ALL ON DATABASE consent FROM PUBLIC;
CREATE USER referral WITH PASSWORD 'referral-local-only';
CREATE DATABASE referral OWNER referral;
REVOKE ALL ON DATABASE referral FROM PUBLIC;
CREATE USER team WITH PASSWORD 'team-local-only';
CREATE DATABASE team OWNER team;
REVOKE ALL ON DATABASE team FROM PUBLIC;
CREATE USER notify WITH PASSWORD 'notify-local-only';
CREATE DATABASE notify OWNER notify;
REVOKE ALL ON DATABASE notify FROM PUBLIC;
