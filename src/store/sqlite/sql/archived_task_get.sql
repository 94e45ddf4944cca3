-- Finds an archived task.
-- Parameters: :uuid
SELECT * FROM archived_tasks WHERE uuid = :uuid
