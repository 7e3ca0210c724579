// The share page's player in a real browser (Debian's Chromium, pinned
// playwright-core), against the worker and the Dropbox stand-in whose WAV
// files are real tones: press play and the time advances; seek; the next
// track starts when one ends; two tracks never play together; Space and the
// arrow keys work; no CSP violation; a download saves the file under its own
// name while the page stays, and is counted; a listen-only share plays and
// offers no download. At 390 × 844 and 1440 × 900.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const BASE = process.env.SHAREPAGE_URL;
const DROPBOX = process.env.SHAREPAGE_DROPBOX_URL;
const ADMIN = process.env.SHAREPAGE_ADMIN_TOKEN;
const OUT = process.env.BROWSER_OUT || "tmp/browser";
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");
const SIZES = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
];

let browser;
let producer;
let shares;

async function json(url, init = {}) {
  const response = await fetch(url, init);
  assert.ok(response.ok, `${url}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? null : response.json();
}

const api = (path, method = "GET", body) =>
  json(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${producer.api_key}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });

/// Connects the producer's Dropbox as a person would: signed in to the
/// console, through the stand-in's consent page.
async function connect(account) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/console`);
  await page.getByLabel("API key").fill(producer.api_key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Connect Dropbox" }).click();
  await page.locator("a", { hasText: account }).click();
  await page.getByText("Dropbox connected").first().waitFor();
  await context.close();
}

before(async () => {
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  mkdirSync(`${OUT}/downloads`, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
  });
  producer = await json(`${BASE}/admin/producers`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ handle: `player-${process.pid}`, display_name: "Player Test" }),
  });
  // Real audio: short tones, so a track ends during the test.
  const files = {
    "/Player/One.wav": { tone: 1.5 },
    "/Player/Two.wav": { tone: 6 },
    "/Player/Three.wav": { tone: 6 },
    "/Player/Three bounce.wav": { tone: 6 },
  };
  const { account_id: account } = await json(`${DROPBOX}/__standin/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ files, name: "Player Test", email: "player@example.com" }),
  });
  await connect(account);
  const track = (title, files) => api("/api/tracks", "POST", { title, files });
  const one = await track("One", [{ kind: "master", path: "/Player/One.wav" }]);
  const two = await track("Two", [{ kind: "master", path: "/Player/Two.wav" }]);
  const three = await track("Three", [
    { kind: "master", path: "/Player/Three.wav" },
    { kind: "bounce", path: "/Player/Three bounce.wav" },
  ]);
  const ids = [one.id, two.id, three.id];
  shares = {
    list: await api("/api/shares", "POST", { title: "Three tones", track_ids: ids }),
    single: await api("/api/shares", "POST", { title: "Two", track_ids: [two.id] }),
    listenOnly: await api("/api/shares", "POST", { title: "Listen only", track_ids: [three.id], downloads: "none" }),
  };
});

after(async () => {
  await browser?.close();
});

/// A visitor's page, with every CSP violation and script error collected.
async function visit(share, size) {
  const context = await browser.newContext({ viewport: size, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(share.url);
  return { context, page, problems };
}

const barTitle = (page) => page.locator(".playerbar .bar-title").innerText();
const playing = (page) => page.locator("button.play-track[aria-pressed=true]").count();
const elapsedAbove = (page, seconds) =>
  page.waitForFunction((s) => Number(document.querySelector(".bar-seek").value) > s, seconds, { timeout: 10000 });

for (const size of SIZES) {
  test(`one player for the whole page at ${size.width} × ${size.height}`, async () => {
    const { context, page, problems } = await visit(shares.list, size);
    assert.equal(await page.locator("audio").count(), 0, "the script replaced the native players");
    const buttons = page.locator("button.play-track");
    assert.equal(await buttons.count(), 3);
    // The first play button is on screen without scrolling.
    const first = await buttons.first().boundingBox();
    assert.ok(first.y + first.height <= size.height, `first play button at ${first.y}px`);

    // Play: the time advances, and the bar shows the track.
    await page.getByRole("button", { name: "Play One" }).click();
    await elapsedAbove(page, 0.3);
    assert.equal(await barTitle(page), "One");
    assert.equal(await playing(page), 1);
    // One ends (1.5 s) and Two starts by itself.
    await page.waitForFunction(() => document.querySelector(".bar-title").textContent === "Two", null, { timeout: 10000 });
    await elapsedAbove(page, 0.2);
    // Seek to 4 s.
    await page.locator(".bar-seek").evaluate((seek) => {
      seek.value = "4";
      seek.dispatchEvent(new Event("input"));
    });
    await page.waitForFunction(() => document.querySelectorAll(".bar-time")[0].textContent === "0:04", null, { timeout: 5000 });
    // Playing Three stops Two: never two at once.
    await page.getByRole("button", { name: "Play Three" }).click();
    await page.waitForFunction(() => document.querySelector(".bar-title").textContent === "Three");
    assert.equal(await playing(page), 1);
    // Space pauses and plays; the left arrow goes back.
    await page.locator("h1").click();
    await page.keyboard.press("Space");
    await page.waitForFunction(() => !document.querySelector("button.play-track[aria-pressed=true]"));
    assert.equal(await page.locator(".bar-toggle").getAttribute("aria-label"), "Play");
    await page.keyboard.press("Space");
    await elapsedAbove(page, 0.5);
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => Number(document.querySelector(".bar-seek").value) < 1.5);
    // Previous and next in the bar.
    await page.getByRole("button", { name: "Previous track" }).click();
    await page.waitForFunction(() => document.querySelector(".bar-title").textContent === "Two");

    await page.evaluate(AXE);
    const axe = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ") + " " + n.failureSummary).join("; ")}`));
    assert.deepEqual(axe, [], "axe with the player open");
    await page.screenshot({ path: `${OUT}/screenshots/share-player-${size.width}.png`, fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("a one-track page's play button is on a phone's first screen", async () => {
  const { context, page, problems } = await visit(shares.single, SIZES[0]);
  const play = await page.getByRole("button", { name: "Play Two" }).boundingBox();
  assert.ok(play.y + play.height <= SIZES[0].height, `play button at ${play.y}px`);
  await page.screenshot({ path: `${OUT}/screenshots/share-single-390.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a download saves the file under its own name, the page stays, and it is counted", async () => {
  const { context, page, problems } = await visit(shares.single, SIZES[1]);
  await page.screenshot({ path: `${OUT}/screenshots/share-single-1440.png`, fullPage: true });
  const before = (await api(`/api/shares/${shares.single.id}`)).stats.total_downloads;
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator(".downloads a").first().click(),
  ]);
  assert.equal(download.suggestedFilename(), "Two.wav");
  await download.saveAs(`${OUT}/downloads/Two.wav`);
  assert.equal(readFileSync(`${OUT}/downloads/Two.wav`).subarray(0, 4).toString(), "RIFF");
  assert.equal(page.url(), shares.single.url, "the page stayed");
  await page.waitForTimeout(300);
  const after = (await api(`/api/shares/${shares.single.id}`)).stats.total_downloads;
  assert.equal(after, before + 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a listen-only share plays and offers no download", async () => {
  const { context, page, problems } = await visit(shares.listenOnly, SIZES[0]);
  assert.equal(await page.locator(".downloads").count(), 0);
  await page.getByRole("button", { name: "Play Three" }).click();
  await elapsedAbove(page, 0.3);
  await page.screenshot({ path: `${OUT}/screenshots/share-listen-only-390.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
