import { useState } from "react";
import { Button } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { describeError } from "../../../lib/api-error.js";
import { exportAccount, saveFile } from "../api/export-account.js";

/** "Download my data": the export as a .json file, through the browser's downloads. */
export function DownloadDataButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const { file, fileName } = await exportAccount();
      saveFile(file, fileName);
    } catch (failure) {
      setError(`Couldn't prepare the file. ${describeError(failure)}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="space-y-3">
      {error ? <FormAlert>{error}</FormAlert> : null}
      <Button variant="secondary" disabled={busy} onClick={download}>
        {busy ? "Preparing your file…" : "Download my data"}
      </Button>
    </div>
  );
}
