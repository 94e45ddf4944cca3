-- Names of the migrations applied to this schema, in order.
-- Parameters: none
-- Returns: name.
SELECT name FROM {{schema}}.migrations ORDER BY name
