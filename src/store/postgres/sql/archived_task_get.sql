-- Finds an archived task.
-- Parameters: $1 uuid
-- Returns: the archived task, or nothing.
SELECT * FROM {{schema}}.archived_tasks WHERE uuid = $1::uuid
