import { BrandMark } from "../../components/brand-mark.js";
import { buttonClass } from "../../components/button.js";
import { paths } from "../../config/paths.js";
import { Link } from "../../lib/router.js";
import { useDocumentTitle } from "../../lib/use-document-title.js";

export function NotFoundPage() {
  useDocumentTitle("Page not found");
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
      <BrandMark />
      <h1 tabIndex={-1} className="text-2xl font-bold focus:outline-none">
        Page not found
      </h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">There is nothing at this address.</p>
      <Link href={paths.tasks.href()} className={buttonClass("primary")}>
        Go to your tasks
      </Link>
    </main>
  );
}
