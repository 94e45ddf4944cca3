-- Long-poll wake-ups: after each statement that leaves tasks waiting
-- (submit, next task, update, timeout, release), one notification per
-- queue and state on the channel "<schema>.waiting", with the payload
-- "<count>\n<state>\n<queue>". It carries no task data. Listeners are an
-- optimisation only: claimers also poll, so nothing depends on delivery.
CREATE FUNCTION {{schema}}.notify_waiting() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    PERFORM pg_notify(
      TG_TABLE_SCHEMA || '.waiting',
      w.n || chr(10) || w.current_state || chr(10) || w.queue
    )
    FROM (
      SELECT queue, current_state, count(*) AS n
      FROM new_rows WHERE NOT in_flight
      GROUP BY queue, current_state
    ) AS w;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER tasks_notify_waiting_insert
  AFTER INSERT ON {{schema}}.tasks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.notify_waiting();

CREATE TRIGGER tasks_notify_waiting_update
  AFTER UPDATE ON {{schema}}.tasks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.notify_waiting();
