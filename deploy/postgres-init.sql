-- One database and one user per service: no service can read another's tables.
-- Local passwords only; production takes them from secrets.
CREATE USER consent WITH PASSWORD 'consent-local-only';
CREATE DATABASE consent OWNER consent;
REVOKE ALL ON DATABASE consent FROM PUBLIC;
