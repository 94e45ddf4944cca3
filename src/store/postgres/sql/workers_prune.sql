-- Deletes up to $2 workers last seen before $1.
DELETE FROM {{schema}}.workers
WHERE (queue, worker_id) IN (
  SELECT queue, worker_id FROM {{schema}}.workers
  WHERE last_seen < $1::bigint
  LIMIT $2::integer
)
