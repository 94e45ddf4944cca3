-- Creates the migration ledger when missing.
-- Parameters: none
-- Returns: nothing.
CREATE TABLE IF NOT EXISTS {{schema}}.migrations (
  name       text        PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)
