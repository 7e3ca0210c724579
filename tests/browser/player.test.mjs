// The share page as a visitor uses it, in a real browser (Debian's
// Chromium, pinned playwright-core), against the worker and the Dropbox
// stand-in whose WAV files are real tones. On a 1-track and a 20-track
// share, at 390 × 844 and 1440 × 900: the first play button is on the first
// screen; press play and the time advances; seek; Space and the arrow keys
// work; the next track starts when one ends; two tracks never play
// together; no CSP violation or script error. Every download button saves
// its file under its own name while the page stays, and each is counted
// once. A listen-only share plays the bounce and offers no download. A
// share of several pages plays on into the next page without leaving this
// one, and "More tracks" brings the rest.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { OUT, axe, launch, screenshot } from "./support.mjs";
import { catalogue } from "./catalogue.mjs";

const SIZES = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
];

let browser;
let owner;

before(async () => {
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  mkdirSync(`${OUT}/downloads`, { recursive: true });
  browser = await launch(["--autoplay-policy=no-user-gesture-required"]);
  owner = await catalogue(browser, {
    handle: `player-${process.pid}`,
    name: "Player Test",
    theme: { accent: "#f2e8b0", mode: "light" },
  });
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
const elapsed = (page) => page.evaluate(() => Number(document.querySelector(".bar-seek").value));
const elapsedAbove = (page, seconds) =>
  page.waitForFunction((s) => Number(document.querySelector(".bar-seek").value) > s, seconds, { timeout: 10000 });
const titled = (page, title) =>
  page.waitForFunction((t) => document.querySelector(".bar-title").textContent === t, title, { timeout: 10000 });

/// Play, seek and the keys, on whichever track `title` is.
async function playSeekAndKeys(page, title) {
  await page.getByRole("button", { name: `Play ${title}` }).click();
  await elapsedAbove(page, 0.3);
  assert.equal(await barTitle(page), title);
  assert.equal(await playing(page), 1);
  await page.locator(".bar-seek").evaluate((seek) => {
    seek.value = "3";
    seek.dispatchEvent(new Event("input"));
  });
  await page.waitForFunction(() => document.querySelectorAll(".bar-time")[0].textContent === "0:03", null, { timeout: 5000 });
  // Space pauses and plays; the left arrow goes back 5 s.
  await page.locator("main").click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("Space");
  await page.waitForFunction(() => !document.querySelector("button.play-track[aria-pressed=true]"));
  assert.equal(await page.locator(".bar-toggle").getAttribute("aria-label"), "Play");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("button.play-track[aria-pressed=true]"));
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => Number(document.querySelector(".bar-seek").value) < 2);
  await elapsedAbove(page, await elapsed(page));
}

for (const size of SIZES) {
  test(`one track plays, seeks and answers the keys at ${size.width} × ${size.height}`, async () => {
    const { context, page, problems } = await visit(owner.shares.single, size);
    assert.equal(await page.locator("main noscript").count(), 0, "the script put a button in place of the native player");
    const play = await page.getByRole("button", { name: "Play Daybreak" }).boundingBox();
    assert.ok(play.y + play.height <= size.height, `play button at ${play.y}px`);
    await playSeekAndKeys(page, "Daybreak");
    await screenshot(page, `${OUT}/screenshots/share-1-playing-${size.width}.png`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`twenty tracks play as one player at ${size.width} × ${size.height}`, async () => {
    const { context, page, problems } = await visit(owner.shares.twenty, size);
    const buttons = page.locator("button.play-track");
    // The players become buttons a few at a time, just after the page loads.
    await page.waitForFunction(() => !document.querySelector("main noscript"));
    assert.equal(await buttons.count(), 20);
    const first = await buttons.first().boundingBox();
    assert.ok(first.y + first.height <= size.height, `first play button at ${first.y}px`);

    // The first track (1.5 s) ends and the second starts by itself.
    await page.getByRole("button", { name: "Play Night Drive" }).click();
    await elapsedAbove(page, 0.3);
    await titled(page, "Sunrise");
    await elapsedAbove(page, 0.2);
    // Playing another stops this one: never two at once.
    await page.getByRole("button", { name: "Play Velvet" }).click();
    await titled(page, "Velvet");
    assert.equal(await playing(page), 1);
    const audible = await page.evaluate(() => [...document.querySelectorAll("audio")].filter((a) => !a.paused).length);
    assert.ok(audible <= 1, `${audible} audio elements playing`);
    await playSeekAndKeys(page, "Golden Mile");
    // Previous and next in the bar.
    await page.getByRole("button", { name: "Next track" }).click();
    await titled(page, "Parallel");
    await page.getByRole("button", { name: "Previous track" }).click();
    await titled(page, "Golden Mile");
    await screenshot(page, `${OUT}/screenshots/share-20-playing-${size.width}.png`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("a share of several pages plays on from one page to the next", async () => {
  const { context, page, problems } = await visit(owner.shares.paged, SIZES[1]);
  const cards = page.locator("main .tracks > li");
  const firstPage = await cards.count();
  assert.ok(firstPage > 1 && firstPage < 14, `${firstPage} tracks on the first page`);
  const status = page.locator(".pager-status");
  assert.equal(await status.innerText(), `Tracks 1–${firstPage} of 14`);
  const titles = owner.titles.slice(0, 14).map((t) => `${t} (credited)`);

  // The last track of the first page, paused (so it cannot end and move
  // on by itself), then "Next track": the next page comes into this one
  // and its first track plays.
  await page.getByRole("button", { name: `Play ${titles[firstPage - 1]}` }).click();
  await elapsedAbove(page, 0.2);
  await page.locator(".bar-toggle").click();
  await page.waitForFunction(() => !document.querySelector("button.play-track[aria-pressed=true]"));
  await page.getByRole("button", { name: "Next track" }).click();
  await titled(page, titles[firstPage]);
  await elapsedAbove(page, 0.2);
  assert.equal(page.url(), owner.shares.paged.url, "no page load");
  assert.ok((await cards.count()) > firstPage);
  assert.equal(await playing(page), 1);

  // "More tracks" brings the rest, numbered on, and reading goes on there.
  let shown = await cards.count();
  while (await page.locator(".pager-next").count()) {
    await page.getByRole("link", { name: "More tracks" }).click();
    await page.waitForFunction((n) => document.querySelectorAll("main .tracks > li").length > n, shown);
    const focused = await page.evaluate(() => document.activeElement.textContent);
    assert.equal(focused, titles[shown]);
    shown = await cards.count();
  }
  assert.equal(shown, 14);
  assert.equal(await status.innerText(), "Tracks 1–14 of 14");
  assert.equal(await page.locator("main .tracks > li h2 span").last().innerText(), titles[13]);
  // One list, so the stylesheet's counter numbers them on.
  assert.equal(await page.locator("main ol.tracks").count(), 1);
  assert.equal(await page.locator("[id]").evaluateAll((all) => all.length - new Set(all.map((e) => e.id)).size), 0, "ids stay unique");
  assert.deepEqual(await axe(page), []);
  await screenshot(page, `${OUT}/screenshots/share-paged-loaded-1440.png`);
  assert.deepEqual(problems, []);
  await context.close();
});

/// The share's download count once the events queue has delivered every
/// download made so far (its consumer waits up to a second to fill a
/// batch): the same figure twice, 1.5 s apart.
async function settledDownloads(share) {
  const total = async () => (await owner.api(`/api/shares/${share.id}`)).stats.total_downloads;
  let last = await total();
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await total();
    if (now === last) break;
    last = now;
  }
  return last;
}

/// Clicks every download button of `share`: each file arrives under its
/// own name, the page stays, and each is counted once.
async function downloadEach(share, size, expected) {
  const { context, page, problems } = await visit(share, size);
  const before = await settledDownloads(share);
  const buttons = page.locator(".downloads a");
  const names = [];
  for (let i = 0; i < (await buttons.count()); i++) {
    const [download] = await Promise.all([page.waitForEvent("download"), buttons.nth(i).click()]);
    const name = download.suggestedFilename();
    const saved = `${OUT}/downloads/${size.width}-${name}`;
    await download.saveAs(saved);
    assert.ok(readFileSync(saved).length > 0, `${name} arrived empty`);
    names.push(name);
    assert.equal(page.url(), share.url, "the page stayed");
  }
  assert.deepEqual(names, expected);
  assert.equal(await settledDownloads(share), before + names.length);
  assert.deepEqual(problems, []);
  await context.close();
}

for (const size of SIZES) {
  test(`every download button saves its file and counts once at ${size.width} px`, async () => {
    await downloadEach(owner.shares.single, size, [
      "Daybreak.wav", "Daybreak (bounce).mp3", "Daybreak Stems.zip", "Daybreak.als",
    ]);
    await downloadEach(owner.shares.twenty, size, owner.titles.map((t) => `${t}.wav`));
  });
}

test("a listen-only share plays the bounce and offers no download", async () => {
  const { context, page, problems } = await visit(owner.shares.listenOnly, SIZES[0]);
  assert.equal(await page.locator(".downloads").count(), 0);
  const served = page.waitForResponse((r) => r.url().startsWith(process.env.SHAREPAGE_DROPBOX_URL));
  await page.getByRole("button", { name: "Play Night Drive" }).click();
  await elapsedAbove(page, 0.3);
  assert.match(decodeURIComponent((await served).url()), /Night Drive \(bounce\)\.wav$/);
  assert.equal(await page.locator("a[download], a[href*='/files/']").count(), 0);
  await screenshot(page, `${OUT}/screenshots/share-listen-only-390.png`);
  assert.deepEqual(problems, []);
  await context.close();
});
