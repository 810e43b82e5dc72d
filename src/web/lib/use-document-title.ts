import { useEffect } from "react";

/** Sets the tab's title for the page being shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Taskvault` : "Taskvault";
  }, [title]);
}
