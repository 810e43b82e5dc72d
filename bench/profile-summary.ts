/**
 * Summarises a `.cpuprofile` written by `npm run bench -- --profile`: where the server's CPU
 * time went, by package (or our own file) and by function, self time.
 *
 * `node --import tsx bench/profile-summary.ts <file>.cpuprofile [scenario] [top]`: with a scenario
 * name (health, list, create, signin, storm), only the samples of its measured window count, as
 * recorded in `windows-<pid>.json` beside the profile.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file = "", scenario = "all", topArg = "25"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const window = windowOf(file, scenario);
const selfMicros = new Map<number, number>();
let at = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at / 1e6 < window[0] || at / 1e6 > window[1]) return;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
});

// Seconds since the process started; the profile starts with the process, close enough to spawn.
function windowOf(profileFile: string, name: string): [number, number] {
  if (name === "all") return [0, Number.POSITIVE_INFINITY];
  const pid = /\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(basename(profileFile))?.[1];
  const windowsFile = join(dirname(profileFile), `windows-${pid}.json`);
  if (!existsSync(windowsFile)) throw new Error(`no ${windowsFile}`);
  const windows = JSON.parse(readFileSync(windowsFile, "utf8")) as Record<string, [number, number]>;
  const found = windows[name];
  if (!found) throw new Error(`no window "${name}" in ${windowsFile}`);
  return found;
}

function groupOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/(src|bench)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url.startsWith("node:") ? "node internals" : url;
}

const groups = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  total += micros;
  const group = groupOf(url, functionName);
  groups.set(group, (groups.get(group) ?? 0) + micros);
  const fn = `${functionName || "(anonymous)"} ${group}:${lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + micros);
}

const top = Number(topArg);
const show = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(
      `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}\n`,
    );
  }
};
process.stdout.write(`total sampled: ${(total / 1000).toFixed(0)} ms\n`);
show("self time by package / file", groups);
show("self time by function", functions);
