import { beforeEach, describe, expect, it, vi } from "vitest";
import { endToast, showToast, type ToastEnd, toastStore } from "./toasts.js";

beforeEach(() => toastStore.set([]));

const messages = () => toastStore.get().map((t) => t.message);

function undoable(message: string, ends: Array<[string, ToastEnd]>) {
  return showToast({
    message,
    action: { label: "Undo", onAction: () => {} },
    onEnd: (how) => {
      ends.push([message, how]);
      return undefined;
    },
  });
}

describe("toasts", () => {
  it("show at most three: a fourth ends the oldest notice first, keeping every Undo on screen", () => {
    const ends: Array<[string, ToastEnd]> = [];
    const noticeEnded = vi.fn();
    undoable("Deleted “Milk”.", ends);
    showToast({ message: "Reminder: Call Sam", onEnd: noticeEnded });
    undoable("Deleted “Eggs”.", ends);

    showToast({ message: "Reminder: Water the plants" });
    expect(messages()).toEqual(["Deleted “Milk”.", "Deleted “Eggs”.", "Reminder: Water the plants"]);
    expect(noticeEnded).toHaveBeenCalledExactlyOnceWith("timeout");

    showToast({ message: "Reminder: Pay rent" });
    expect(messages()).toEqual(["Deleted “Milk”.", "Deleted “Eggs”.", "Reminder: Pay rent"]);
    expect(ends).toEqual([]);
  });

  it("end the oldest when all three have an action, as if it timed out, and only once", () => {
    const ends: Array<[string, ToastEnd]> = [];
    const first = undoable("Deleted “Milk”.", ends);
    undoable("Deleted “Eggs”.", ends);
    undoable("Deleted “Bread”.", ends);

    undoable("Deleted “Tea”.", ends);
    expect(messages()).toEqual(["Deleted “Eggs”.", "Deleted “Bread”.", "Deleted “Tea”."]);
    expect(ends).toEqual([["Deleted “Milk”.", "timeout"]]);

    // Its timer may still fire on screen: gone already, it ends nothing more.
    expect(endToast(first, "timeout")).toBeUndefined();
    expect(ends).toHaveLength(1);
  });
});
