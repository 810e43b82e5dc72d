CREATE TABLE "retired_refresh_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"retired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "task_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "retired_refresh_tokens" ADD CONSTRAINT "retired_refresh_tokens_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "retired_refresh_tokens_session_id_idx" ON "retired_refresh_tokens" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_at_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
-- Sessions store only a hash of their refresh token from now on: hash the tokens of the sessions
-- that exist, so that they keep working (their owners still present the token itself).
UPDATE "sessions" SET "token" = encode(sha256(convert_to("token", 'UTF8')), 'hex');
--> statement-breakpoint
UPDATE "users" SET "task_count" = (SELECT count(*) FROM "tasks" WHERE "tasks"."user_id" = "users"."id");
--> statement-breakpoint
-- users.task_count follows every insert and delete of a task, whatever makes it, so the quota
-- check (MAX_TASKS_PER_USER) reads one row. The create locks that row first, which serialises one
-- user's concurrent creates against the count.
CREATE FUNCTION "count_user_tasks"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "users" SET "task_count" = "task_count" + 1 WHERE "id" = NEW."user_id";
  ELSE
    UPDATE "users" SET "task_count" = "task_count" - 1 WHERE "id" = OLD."user_id";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "tasks_count_per_user" AFTER INSERT OR DELETE ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "count_user_tasks"();
