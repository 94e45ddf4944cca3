-- Waits for, then holds until the transaction ends, the advisory lock
-- that serialises migrations of one schema across processes.
-- Parameters: $1 lock key (bigint derived from the schema name)
-- Returns: nothing useful.
SELECT pg_advisory_xact_lock($1::bigint)
