export * from "./auth.js";
export * from "./security.js";
