-- Every deleted session is revoked, whatever deleted it: a sign-out, an operator deleting a user
-- (the foreign key's cascade deletes the user's sessions), or a clean-up job. Each server process
-- reads session_revocations and then refuses the session's access tokens, which would otherwise
-- stay valid until they expire. A revocation is remembered for the access-token lifetime after
-- revoked_at (see RevocationList), so expires_at here is only a lower bound.
CREATE FUNCTION "revoke_deleted_session"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "session_revocations" ("session_id", "expires_at") VALUES (OLD."id", now());
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_revoke_on_delete" AFTER DELETE ON "sessions"
  FOR EACH ROW EXECUTE FUNCTION "revoke_deleted_session"();
