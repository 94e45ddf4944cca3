-- Deletes up to $2 work-duration rows of minutes before $1.
DELETE FROM {{schema}}.work_durations
WHERE (minute, queue, bucket) IN (
  SELECT minute, queue, bucket FROM {{schema}}.work_durations
  WHERE minute < $1::bigint
  LIMIT $2::integer
)
