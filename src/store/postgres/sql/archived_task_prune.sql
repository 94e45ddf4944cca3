-- Deletes up to $2 archived tasks completed before $1, oldest first.
DELETE FROM {{schema}}.archived_tasks
WHERE uuid IN (
  SELECT uuid FROM {{schema}}.archived_tasks
  WHERE complete_time < $1::bigint
  ORDER BY complete_time
  LIMIT $2::integer
)
