-- 0002: who a Dropbox connection belongs to, as Dropbox names them
-- (users/get_current_account), so producers see which account they linked.
-- One Dropbox account serves one producer; connecting it to a second is
-- refused by the guarded write in the worker rather than by a unique index,
-- which would fail on a deployment that already holds such a pair.
ALTER TABLE dropbox_connections ADD COLUMN account_name TEXT;
ALTER TABLE dropbox_connections ADD COLUMN account_email TEXT;
CREATE INDEX IF NOT EXISTS dropbox_connections_by_account ON dropbox_connections (account_id);
