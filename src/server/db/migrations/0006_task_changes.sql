CREATE TABLE "task_changes" (
	"user_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"task_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_changes_user_id_seq_pk" PRIMARY KEY("user_id","seq")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "change_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "task_changes" ADD CONSTRAINT "task_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_changes_at_idx" ON "task_changes" USING btree ("at");--> statement-breakpoint
-- One trigger numbers every task write in the change log and keeps users.task_count (it replaces
-- count_user_tasks of 0003, so a create or delete still updates the owner's row once). The UPDATE
-- of the owner's row takes the next change_seq under that row's lock, held to commit: one user's
-- writes are numbered in the order they commit, with no gaps, whatever process made them. The
-- NOTIFY is delivered at commit, so a listener never reads the log before the row is there.
CREATE FUNCTION "log_task_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner text;
  changed text;
  delta integer := 0;
  next_seq bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    owner := OLD."user_id"; changed := OLD."id"; delta := -1;
  ELSE
    owner := NEW."user_id"; changed := NEW."id";
    IF TG_OP = 'INSERT' THEN delta := 1; END IF;
  END IF;
  UPDATE "users" SET "change_seq" = "change_seq" + 1, "task_count" = "task_count" + delta
    WHERE "id" = owner RETURNING "change_seq" INTO next_seq;
  -- No owner row: the account is being deleted and its tasks go with it; nobody is left to tell.
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO "task_changes" ("user_id", "seq", "kind", "task_id")
    VALUES (owner, next_seq, CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END, changed);
  -- Ids only, never content (a payload must stay under 8000 bytes, and LISTEN sees every user's).
  PERFORM pg_notify('taskvault_task_changes', owner || ':' || next_seq);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER "tasks_count_per_user" ON "tasks";
--> statement-breakpoint
DROP FUNCTION "count_user_tasks"();
--> statement-breakpoint
CREATE TRIGGER "tasks_log_changes" AFTER INSERT OR UPDATE OR DELETE ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "log_task_change"();
