import { z } from "zod";
import { MAX_YEAR, MIN_YEAR, parseDateTime } from "./date-time.js";
import { type Recurrence, recurrenceFroms, recurrenceSchema, remindersSchema } from "./recurrence.js";
import { hasLengthBetween, isStorableText } from "./text.js";

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;
export const TAG_MAX = 32;
export const TAGS_MAX = 10;
export const QUERY_MAX = 200;
export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 50;

export const priorities = ["none", "low", "medium", "high"] as const;
export type Priority = (typeof priorities)[number];

const storable = { error: "must not contain NUL or unpaired surrogate characters" };

export const titleSchema = z
  .string({ error: "must be a string" })
  .trim()
  .refine((t) => hasLengthBetween(t, 1, TITLE_MAX), { error: `must be 1 to ${TITLE_MAX} characters` })
  .refine(isStorableText, storable);

export const descriptionSchema = z
  .string({ error: "must be a string" })
  .refine((d) => hasLengthBetween(d, 0, DESCRIPTION_MAX), { error: `must be at most ${DESCRIPTION_MAX} characters` })
  .refine(isStorableText, storable);

export const prioritySchema = z.enum(priorities, { error: `must be one of ${priorities.join(", ")}` });

/** An ISO 8601 date-time with a zone, converted to UTC; impossible calendar dates refused. */
export const dateTimeSchema = z.string({ error: "must be an ISO 8601 date-time string" }).transform((value, ctx) => {
  const date = parseDateTime(value);
  if (!date) {
    ctx.addIssue({
      code: "custom",
      message: `must be an ISO 8601 date-time with a time zone, e.g. 2026-01-02T03:04:05Z, in the years ${MIN_YEAR} to ${MAX_YEAR}`,
    });
    return z.NEVER;
  }
  return date;
});

/** A tag: trimmed and lower-cased first, so its length is the stored length. */
export const tagSchema = z
  .string({ error: "must be a string" })
  .trim()
  .transform((t) => t.toLowerCase())
  .refine((t) => hasLengthBetween(t, 1, TAG_MAX), { error: `must be 1 to ${TAG_MAX} characters` })
  .refine(isStorableText, storable);

/** Tags: lower-cased, duplicates removed (first occurrence's order kept), then at most TAGS_MAX. */
export const tagsSchema = z
  .array(tagSchema, { error: "must be an array of strings" })
  .transform((tags) => [...new Set(tags)])
  .pipe(z.array(z.string()).max(TAGS_MAX, { error: `must have at most ${TAGS_MAX} different tags` }));

const taskFields = {
  title: titleSchema,
  description: descriptionSchema.default(""),
  priority: prioritySchema.default("none"),
  dueAt: dateTimeSchema.nullable().default(null),
  tags: tagsSchema.default([]),
  completed: z.boolean({ error: "must be true or false" }).default(false),
  recurrence: recurrenceSchema.nullable().default(null),
  reminders: remindersSchema
    .default([])
    .describe(
      "Up to 5 reminders, each firing once at dueAt − before (days on the wall clock of your timeZone); one whose time has already passed when it is set or moved does not fire",
    ),
};

export const RECURRENCE_NEEDS_DUE = "needs a dueAt: a recurring task repeats from its due date";

/**
 * A body that makes the task recurring while saying it has no due date is refused here, naming
 * `recurrence`. (Whether the resulting task has one is checked where the stored task is known.)
 */
function refuseRecurrenceWithoutDue(
  body: { recurrence?: Recurrence | null | undefined; dueAt?: Date | null | undefined },
  ctx: z.RefinementCtx,
): void {
  if (body.recurrence && body.dueAt === null) {
    ctx.addIssue({ code: "custom", path: ["recurrence"], message: RECURRENCE_NEEDS_DUE });
  }
}

/** POST and PUT bodies: `title` required, every omitted field takes its default. */
export const taskInputSchema = z.strictObject(taskFields).superRefine(refuseRecurrenceWithoutDue);
export type TaskInput = z.output<typeof taskInputSchema>;

/** PATCH body: only the fields given change. */
export const taskPatchSchema = z
  .strictObject({
    title: titleSchema.optional(),
    description: descriptionSchema.optional(),
    priority: prioritySchema.optional(),
    dueAt: dateTimeSchema.nullable().optional(),
    tags: tagsSchema.optional(),
    completed: z.boolean({ error: "must be true or false" }).optional(),
    recurrence: recurrenceSchema.nullable().optional(),
    reminders: remindersSchema.optional().describe("Replaces all of the task's reminders"),
  })
  .superRefine(refuseRecurrenceWithoutDue);
export type TaskPatch = z.output<typeof taskPatchSchema>;

/** The complete route's optional body: without it, completion toggles. */
export const completeBodySchema = z.strictObject({
  completed: z.boolean({ error: "must be true or false" }).optional(),
});

export const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  completed: z.boolean(),
  priority: prioritySchema,
  dueAt: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  recurrence: z
    .object({
      rule: z.string().describe("The RRULE, normalized").meta({ example: "FREQ=WEEKLY;BYDAY=MO,WE" }),
      from: z.enum(recurrenceFroms).describe("due: the schedule; completion: counted from when it was done"),
    })
    .nullable()
    .describe("How the task repeats, or null; completing it creates the next occurrence"),
  reminders: z
    .array(z.object({ before: z.string().describe("ISO 8601 duration before dueAt").meta({ example: "PT15M" }) }))
    .describe("When to remind, before dueAt; each fires once"),
  nextId: z
    .string()
    .nullable()
    .describe("The id of the next occurrence, once completing this recurring task created it; null otherwise")
    .meta({ example: "0b7c3f4e-2a51-4c1e-9a7d-3f1f5e2b8c90" }),
});
export type Task = z.infer<typeof taskSchema>;

export const taskListSchema = z.object({ tasks: z.array(taskSchema), nextCursor: z.string().nullable() });
export type TaskList = z.infer<typeof taskListSchema>;

/** GET /api/{userId}/tasks/counts: how many tasks the user has, in total and by status. */
export const taskCountsSchema = z.object({
  all: z.number().int(),
  pending: z.number().int(),
  completed: z.number().int(),
});
export type TaskCounts = z.infer<typeof taskCountsSchema>;

export const sortFields = ["createdAt", "updatedAt", "dueAt", "priority", "title"] as const;
export type SortField = (typeof sortFields)[number];

const queryString = z.string({ error: "must be given once" });

/** The list route's query string. Unknown parameters are refused, like unknown body fields. */
export const listQuerySchema = z.strictObject({
  status: z
    .enum(["all", "pending", "completed"], { error: "must be all, pending or completed" })
    .default("all")
    .describe("Which tasks: all, pending (not completed) or completed"),
  q: queryString
    .refine((q) => hasLengthBetween(q, 0, QUERY_MAX), { error: `must be at most ${QUERY_MAX} characters` })
    .refine(isStorableText, storable)
    .optional()
    .describe("Case-insensitive text to find in title or description; % _ \\ match themselves"),
  priority: queryString
    .transform((value, ctx) => {
      const list = value.split(",").map((p) => p.trim().toLowerCase());
      if (list.some((p) => !(priorities as readonly string[]).includes(p))) {
        ctx.addIssue({ code: "custom", message: `must be a comma-separated list of ${priorities.join(", ")}` });
        return z.NEVER;
      }
      return [...new Set(list)] as Priority[];
    })
    .optional()
    .describe("One or more priorities, comma-separated, e.g. high,medium"),
  tag: queryString.pipe(tagSchema).optional().describe("Only tasks carrying this tag"),
  dueBefore: queryString
    .pipe(dateTimeSchema)
    .optional()
    .describe("Only tasks due strictly before this ISO 8601 date-time (tasks without dueAt excluded)"),
  dueAfter: queryString
    .pipe(dateTimeSchema)
    .optional()
    .describe("Only tasks due strictly after this ISO 8601 date-time (tasks without dueAt excluded)"),
  sort: z
    .enum(sortFields, { error: `must be one of ${sortFields.join(", ")}` })
    .default("createdAt")
    .describe("Sort key; ties are broken by id, tasks without dueAt come last"),
  order: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("desc").describe("Sort direction"),
  limit: queryString
    .regex(/^\d{1,3}$/, { error: `must be a whole number from 1 to ${LIST_LIMIT_MAX}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= LIST_LIMIT_MAX, { error: `must be a whole number from 1 to ${LIST_LIMIT_MAX}` })
    .default(LIST_LIMIT_DEFAULT)
    .describe(`Page size, 1 to ${LIST_LIMIT_MAX} (default ${LIST_LIMIT_DEFAULT})`),
  cursor: queryString
    .max(1000, { error: "is not a valid cursor" })
    .optional()
    .describe("The nextCursor of the previous page"),
});
export type ListQuery = z.output<typeof listQuerySchema>;
