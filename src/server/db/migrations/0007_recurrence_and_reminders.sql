CREATE TABLE "task_reminders" (
	"task_id" text NOT NULL,
	"user_id" text NOT NULL,
	"before" text NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone,
	CONSTRAINT "task_reminders_task_id_before_pk" PRIMARY KEY("task_id","before")
);
--> statement-breakpoint
ALTER TABLE "task_changes" ADD COLUMN "detail" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "recurrence_rule" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "recurrence_from" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "series_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "occurrence" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "next_id" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "reminders" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "task_reminders" ADD CONSTRAINT "task_reminders_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_reminders" ADD CONSTRAINT "task_reminders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_reminders_due_idx" ON "task_reminders" USING btree ("fire_at") WHERE "task_reminders"."fired_at" is null;--> statement-breakpoint
-- Logs an event that is not a task write (a reminder firing) in the user's change log, numbered
-- and announced exactly as log_task_change numbers and announces task writes: the next change_seq
-- under the owner's row lock, and a NOTIFY at commit. Returns the seq; null when the user is gone.
CREATE FUNCTION "log_user_event"(owner text, event_kind text, task text, event_detail text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  next_seq bigint;
BEGIN
  UPDATE "users" SET "change_seq" = "change_seq" + 1 WHERE "id" = owner RETURNING "change_seq" INTO next_seq;
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO "task_changes" ("user_id", "seq", "kind", "task_id", "detail")
    VALUES (owner, next_seq, event_kind, task, event_detail);
  PERFORM pg_notify('taskvault_task_changes', owner || ':' || next_seq);
  RETURN next_seq;
END
$$;
