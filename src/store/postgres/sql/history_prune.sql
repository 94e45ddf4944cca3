-- Deletes up to $2 history rows of minutes before $1.
DELETE FROM {{schema}}.task_history
WHERE (minute, queue, event, state, worker_id) IN (
  SELECT minute, queue, event, state, worker_id
  FROM {{schema}}.task_history
  WHERE minute < $1::bigint
  LIMIT $2::integer
)
