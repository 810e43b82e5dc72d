import { defineConfig } from "drizzle-kit";

// Generates the SQL migrations that both PGlite and PostgreSQL run at start-up.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/server/db/schema/index.ts",
  out: "./src/server/db/migrations",
});
