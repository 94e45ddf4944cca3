-- Records that a migration was applied.
-- Parameters: $1 name
-- Returns: nothing.
INSERT INTO {{schema}}.migrations (name) VALUES ($1::text)
