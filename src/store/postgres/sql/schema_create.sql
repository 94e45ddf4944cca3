-- Creates the schema Corndogs lives in.
-- Parameters: none
-- Returns: nothing.
CREATE SCHEMA IF NOT EXISTS {{schema}}
