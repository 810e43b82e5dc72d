export * from "./auth.js";
export * from "./email.js";
export * from "./security.js";
export * from "./tasks.js";
