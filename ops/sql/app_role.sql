-- The role the application connects as (web, worker, beat), separate from the owner that runs
-- migrations. It owns nothing, so it can neither turn the audit triggers off nor drop them, and
-- on the audit trail it may only read and append.
--
-- Run as the owner of the database's tables, after `manage.py migrate`:
--   psql "$OWNER_DATABASE_URL" -v app_role=sea_app -f ops/sql/app_role.sql
-- (create the role first: CREATE ROLE sea_app LOGIN PASSWORD '...';). The defaults below cover
-- tables later migrations create; re-running the file is harmless.

GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

-- The audit trail: read and append only (the triggers refuse the rest even to the owner).
REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM :"app_role";
