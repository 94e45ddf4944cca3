-- Takes or renews the named lease :name for :holder for :ttl_ms, unless
-- another holder has it and it has not expired.
-- Returns: a row when :holder holds the lease.
INSERT INTO leases (name, holder, expires)
VALUES (:name, :holder, CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000 + :ttl_ms * 1000000)
ON CONFLICT (name) DO UPDATE SET
  holder = excluded.holder,
  expires = excluded.expires
WHERE holder = excluded.holder OR expires < CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER) * 1000000
RETURNING holder
