import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app.js";
import { session } from "./lib/api.js";
import { createQueryClient } from "./lib/query-client.js";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");

// The access token lives in memory only, so every page load asks the refresh cookie for one.
void session.restore();

createRoot(root).render(
  <StrictMode>
    <App queryClient={createQueryClient()} />
  </StrictMode>,
);
