-- Whether the schema exists (checked before CREATE SCHEMA, which needs
-- the CREATE privilege on the database even when the schema exists).
-- Parameters: $1 schema name (unescaped)
-- Returns: one row when it exists, else none.
SELECT 1 AS present FROM pg_catalog.pg_namespace WHERE nspname = $1::text
