-- How many migrations were applied to this schema.
-- Parameters: none
-- Returns: count (bigint).
SELECT count(*) AS count FROM {{schema}}.migrations
