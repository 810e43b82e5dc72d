import { useEffect } from "react";
import { endToast, toastStore } from "../../../lib/toasts.js";

/** Ctrl+Z / ⌘Z outside a text field undoes the latest delete. */
export function useUndoShortcut(): void {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key.toLowerCase() !== "z" || !(event.ctrlKey || event.metaKey) || event.shiftKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable]")) return;
      const undo = [...toastStore.get()].reverse().find((t) => t.action?.label === "Undo");
      if (!undo) return;
      event.preventDefault();
      undo.action?.onAction();
      endToast(undo.id, "action");
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
