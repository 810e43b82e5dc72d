import { type Ref, useEffect, useRef, useState } from "react";
import { QUERY_MAX } from "../../../../shared/task.schemas.js";
import { SearchIcon } from "../../../components/icons.js";

/**
 * The search box. It updates the URL (and so the list) a moment after typing stops; Esc clears
 * it, or leaves it when already empty.
 */
export function TaskSearch({
  value,
  onSearch,
  inputRef,
}: {
  value: string;
  onSearch(q: string): void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(onSearch);
  latest.current = onSearch;

  // Back/Forward, or a tag link, changes the query from outside.
  useEffect(() => setText(value), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  function change(next: string) {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(next), 250);
  }

  return (
    <div className="relative">
      <label htmlFor="search" className="sr-only">
        Search tasks
      </label>
      <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-slate-500 dark:text-slate-400" />
      <input
        ref={inputRef}
        id="search"
        type="search"
        name="q"
        placeholder="Search tasks"
        autoComplete="off"
        enterKeyHint="search"
        aria-keyshortcuts="/"
        maxLength={QUERY_MAX}
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            if (text) change("");
            else e.currentTarget.blur();
          }
          if (e.key === "Enter") {
            clearTimeout(timer.current);
            onSearch(text);
          }
        }}
        className="block min-h-11 w-full rounded-lg border border-slate-300 bg-white py-2 pr-3 pl-10 text-base text-slate-900 shadow-sm placeholder:text-slate-500 sm:text-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400"
      />
    </div>
  );
}
