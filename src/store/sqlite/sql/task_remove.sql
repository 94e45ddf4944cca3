-- Deletes live tasks just copied to the archive by task_archive.
-- Parameters: :uuids (a JSON array of uuids)
DELETE FROM tasks WHERE uuid IN (SELECT value FROM json_each(:uuids))
