import { api } from "../../../lib/api.js";

/**
 * `GET /api/auth/account/export`: everything Taskvault holds about the user, as the JSON file the
 * server names (Content-Disposition). The request needs the access token, so a plain link cannot
 * fetch it: the file is handed to the browser as a Blob instead.
 */
export async function exportAccount(): Promise<{ file: Blob; fileName: string }> {
  const { response } = await api.send("/api/auth/account/export");
  const file = await response.blob();
  return { file: new Blob([file], { type: "application/json" }), fileName: fileNameOf(response) };
}

/** The file name of Content-Disposition, or one with today's date. */
export function fileNameOf(response: Response): string {
  const header = response.headers.get("content-disposition") ?? "";
  const quoted = /filename="([^"]+)"/i.exec(header)?.[1] ?? /filename=([^;\s]+)/i.exec(header)?.[1];
  const safe = quoted?.replace(/[/\\]/g, "");
  return safe || `taskvault-export-${new Date().toISOString().slice(0, 10)}.json`;
}

/** Saves `file` through the browser's download, as if a link to it had been clicked. */
export function saveFile(file: Blob, fileName: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
