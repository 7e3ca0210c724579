// The load half of `make bench` (scripts/bench.sh starts the stack): builds
// shares of 1, 20 and 100 tracks and the largest one the limits allow
// through the API, then loads each route with CONNECTIONS keep-alive
// connections for SECONDS, in ROUNDS interleaved rounds, and prints per
// route: requests per second, p50 and p99 latency, the ratio to the
// unknown-token route, and workerd's CPU per request, read from the
// workerd processes' own counters (utime + stime in /proc/<pid>/stat of the
// worker's process group) before and after each run. Medians over rounds.
// Then HTML bytes raw and gzip per page size, and the targets of issue 12.
//
// usage: node scripts/bench_load.mjs BASE_URL API_KEY WORKERD_PGID
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { gzipSync } from "node:zlib";

const [base, key, pgid] = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 8;
const HZ = 100; // USER_HZ: /proc counts CPU time in 1/100 s on Linux.
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const BOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

const limits = Object.fromEntries(
  [...readFileSync(new URL("../src/limits.rs", import.meta.url), "utf8")
    .matchAll(/pub const (\w+): \w+ = ([\d_]+);/g)].map(([, name, n]) => [name, Number(n.replaceAll("_", ""))]));

async function api(method, path, body) {
  const answer = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

// A track as producers send them: title, tempo, key, a master and a
// bounce, a credit; every third with a cover.
const realistic = (n) => ({
  title: `Night Drive ${n}`,
  bpm: 90 + (n % 60),
  key: "F# minor",
  artwork_path: n % 3 === 0 ? `/Night Owl/Art/${n}.jpg` : undefined,
  files: [
    { kind: "master", path: `/Night Owl/Masters/Night Drive ${n}.wav` },
    { kind: "bounce", path: `/Night Owl/Bounces/Night Drive ${n}.mp3` },
  ],
  collaborators: [{ name: "Ada Lovelace", role: "Vocals", url: "https://ada.example.com/" }],
});

// Every title, name, role, key, label and URL at its longest, every file
// kind, the most files and credits. Such a share is shown a page of tracks
// at a time (src/pager.rs): a visitor who opens it gets its first page.
const longest = (prefix) => prefix + "x".repeat(limits.URL_CHARS - prefix.length);
const largest = (n) => {
  const person = {
    name: "N".repeat(limits.PERSON_CHARS), role: "R".repeat(limits.PERSON_CHARS),
    avatar_url: longest("https://cdn.example.com/"), url: longest("https://example.com/"),
  };
  const kinds = ["master", "bounce", "stems", "project", "other"];
  return {
    title: "Ü".repeat(limits.TRACK_TITLE_CHARS), bpm: 128, key: "K".repeat(limits.MUSICAL_KEY_CHARS),
    artwork_path: "/Art/cover.jpg",
    files: Array.from({ length: limits.FILES_PER_TRACK }, (_, i) => ({
      kind: kinds[i % 5], path: `/Music/${n}/${"f".repeat(100)}-${i}.wav`, folder: i % 5 === 2,
      label: "L".repeat(limits.FILE_LABEL_CHARS),
    })),
    collaborators: Array.from({ length: limits.COLLABORATORS_PER_TRACK }, (_, i) => ({ ...person, name: `${i}${person.name.slice(1)}` })),
  };
};

async function share(tracks, extra = {}) {
  const ids = [];
  for (const track of tracks) ids.push((await api("POST", "/api/tracks", track)).id);
  return (await api("POST", "/api/shares", { track_ids: ids, ...extra })).token;
}

function workerdTicks() {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let stat;
    try { stat = readFileSync(`/proc/${pid}/stat`, "utf8"); } catch { continue; }
    if (!stat.includes("(workerd)")) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === Number(pgid)) total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
let nextClient = 1;

// One request, read to the end; each from a client of its own, so the
// download and ZIP limits (per client and share) never refuse the bench.
function get(path, agentName) {
  const client = nextClient++;
  const headers = {
    "user-agent": agentName,
    "cf-connecting-ip": `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`,
  };
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http.get(base + path, { agent, headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk) => { bytes += chunk.length; });
      res.on("end", () => resolve({ status: res.statusCode, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    }).on("error", reject);
  });
}

// Views go through the events queue, whose consumer writes a batch up to a
// second later: each run starts once the queue has drained what came
// before, and ends once it has drained what the run sent, so a route pays
// for its own events and for nobody else's.
const SETTLE_MS = 1500;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

async function run(c) {
  for (let i = 0; i < 10; i++) await get(c.path, c.agent); // warm up
  await settle();
  const ticks = workerdTicks();
  const until = Date.now() + SECONDS * 1000;
  const latencies = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < until) {
      const r = await get(c.path, c.agent);
      if (r.status !== c.status) errors++;
      latencies.push(r.ms);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await settle();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    cpu: ((workerdTicks() - ticks) * 1000) / HZ / latencies.length,
    errors,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const pages = {
  1: await share([realistic(0)]),
  20: await share(Array.from({ length: 20 }, (_, i) => realistic(i))),
  100: await share(Array.from({ length: 100 }, (_, i) => realistic(i))),
};
const big = await share(Array.from({ length: limits.TRACKS_PER_SHARE }, (_, i) => largest(i)), {
  title: "T".repeat(limits.SHARE_TITLE_CHARS), description: "D".repeat(limits.DESCRIPTION_CHARS),
  downloads: { kinds: ["master", "bounce", "stems", "project", "other"] },
});
const stylesheet = (await (await fetch(`${base}/s/${pages[1]}`)).text()).match(/href="(\/assets\/app\.[^"]+\.css)"/)[1];

const cases = [
  { label: "stylesheet (no I/O)", path: stylesheet, agent: BROWSER, status: 200 },
  { label: "unknown token (404)", path: "/s/no-such-token", agent: BROWSER, status: 404 },
  ...[1, 20, 100].flatMap((n) => [
    { label: `share, ${n} track${n > 1 ? "s" : ""}`, path: `/s/${pages[n]}`, agent: BROWSER, status: 200, n },
    { label: `share, ${n} track${n > 1 ? "s" : ""} (bot)`, path: `/s/${pages[n]}`, agent: BOT, status: 200 },
  ]),
  { label: "largest allowed share (bot)", path: `/s/${big}`, agent: BOT, status: 200 },
  { label: "its page 2 (bot)", path: `/s/${big}?page=2`, agent: BOT, status: 200 },
  // The demo share's master (scripts/demo.sql): its link is cached after the warm-up.
  { label: "download (cached link)", path: "/s/demo-featured-midnight/files/fil_demo_mid_master", agent: BROWSER, status: 302 },
  { label: "folder (ZIP, streamed)", path: "/s/demo-featured-midnight/files/fil_demo_mid_stems", agent: BROWSER, status: 200 },
];

const results = Object.fromEntries(cases.map((c) => [c.label, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) results[c.label].push(await run(c));
}
const summary = Object.fromEntries(cases.map((c) => {
  const rs = results[c.label];
  const pick = (k) => median(rs.map((r) => r[k]));
  return [c.label, { rps: pick("rps"), p50: pick("p50"), p99: pick("p99"), cpu: pick("cpu"), errors: rs.reduce((n, r) => n + r.errors, 0) }];
}));
const baseline = summary["unknown token (404)"];

console.log(`\n${CONNECTIONS} connections, ${SECONDS} s a route, ${ROUNDS} rounds interleaved, medians`);
console.log(`${"route".padEnd(30)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"÷404".padStart(6)} ${"CPU ms/req".padStart(11)} ${"over 404".padStart(9)} errors`);
for (const c of cases) {
  const s = summary[c.label];
  console.log(`${c.label.padEnd(30)} ${s.rps.toFixed(0).padStart(7)} ${s.p50.toFixed(1).padStart(7)} ${s.p99.toFixed(1).padStart(7)} ${(s.rps / baseline.rps).toFixed(2).padStart(6)} ${s.cpu.toFixed(2).padStart(11)} ${(s.cpu - baseline.cpu >= 0 ? "+" : "") + (s.cpu - baseline.cpu).toFixed(2).padStart(8)} ${s.errors}`);
}

console.log("\nHTML per page (as a visitor gets it)");
const html = {};
const shown = {};
for (const [n, token] of [...Object.entries(pages), ["largest", big]]) {
  const body = Buffer.from(await (await fetch(`${base}/s/${token}`, { headers: { "user-agent": BOT } })).arrayBuffer());
  html[n] = body.length;
  const text = body.toString();
  shown[n] = { tracks: text.split('<div class="track-head">').length - 1, range: text.match(/pager-range">([^<]*)<\/span> of (\d+)/) };
  const pager = shown[n].range ? `, tracks ${shown[n].range[1]} of ${shown[n].range[2]}` : ", one page";
  console.log(`${String(n).padEnd(8)} ${String(body.length).padStart(8)} B raw ${String(gzipSync(body).length).padStart(7)} B gzip${pager}`);
}
const more = shown[100].tracks - shown[20].tracks;
const perTrack = (html[100] - html[20]) / more;
console.log(`per track (the 100-track share's page less the 20-track one, over ${more}): ${perTrack.toFixed(0)} B raw`);

const ratio = (label) => summary[label].rps / baseline.rps;
const over = Math.max(...["largest allowed share (bot)", "its page 2 (bot)"].map((l) => summary[l].cpu)) - baseline.cpu;
console.log("\nTargets (issue 12)");
const target = (ok, text) => console.log(`${ok ? "met    " : "NOT MET"}  ${text}`);
target(ratio("share, 20 tracks") >= 0.8, `20-track page at ${ratio("share, 20 tracks").toFixed(2)} of the 404's req/s (≥ 0.8)`);
target(ratio("share, 100 tracks") >= 0.6, `100-track share (${shown[100].tracks} tracks on its first page) at ${ratio("share, 100 tracks").toFixed(2)} of the 404's req/s (≥ 0.6)`);
target(perTrack < 1024, `${perTrack.toFixed(0)} B of HTML a track (< 1 KB)`);
target(over < 5, `largest allowed share's pages at ${over.toFixed(1)} ms of workerd CPU over the 404 (< 5 ms)`);
const errors = Object.values(summary).reduce((n, s) => n + s.errors, 0);
target(errors === 0, `${errors} unexpected answers`);
agent.destroy();
