-- Deletes up to :limit archived tasks completed before :before.
DELETE FROM archived_tasks
WHERE uuid IN (
  SELECT uuid FROM archived_tasks
  WHERE complete_time < :before
  ORDER BY complete_time
  LIMIT :limit
)
