// The producer console in a real browser (Debian's Chromium, driven by the
// pinned playwright-core), against the worker and the Dropbox stand-in that
// scripts/test.sh started: a producer signs in, connects Dropbox through the
// stand-in's consent page, imports a folder of three track folders, creates
// a share; a visitor in a second, signed-out browser downloads a file; the
// producer sees it in the chart and the table. A link completed in another
// browser links nothing; a wrong CSRF token changes nothing. Every console
// page is checked with axe-core, saved for the Nu Html Checker and
// screenshot at 390 and 1440 pixels wide.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { BASE, OUT, axe, json, launch, newProducer, standinAccount, vnu } from "./support.mjs";

const WIDTHS = [390, 1440];

let browser;
const checked = []; // [name, url] of every console page looked at

async function me(key) {
  return json(`${BASE}/api/me`, { headers: { authorization: `Bearer ${key}` } });
}

/// A Dropbox account in the stand-in holding a folder of three track folders.
async function dropboxAccount() {
  const files = {
    "/Beats/Night Drive 128bpm F#m/Night Drive Master.wav": { size: 48000000 },
    "/Beats/Night Drive 128bpm F#m/Night Drive.mp3": { size: 9000000 },
    "/Beats/Night Drive 128bpm F#m/Stems/drums.wav": { content: "drums" },
    "/Beats/Night Drive 128bpm F#m/Stems/bass.wav": { content: "bass" },
    "/Beats/Night Drive 128bpm F#m/Night Drive.als": { size: 70000 },
    "/Beats/Night Drive 128bpm F#m/cover.jpg": { size: 2000 },
    "/Beats/Sunrise - A minor - 100 BPM/Sunrise.wav": { size: 40000000 },
    "/Beats/Sunrise - A minor - 100 BPM/artwork.png": { size: 2000 },
    "/Beats/Low Tide/Low Tide bounce.wav": { size: 30000000 },
    "/Beats/Low Tide/Low Tide.flp": { size: 1000 },
  };
  return standinAccount(files, "Jane Doe", "jane@example.com");
}

/// Looks at the page as a checker would: axe-core finds no violation; the
/// served HTML (not the live DOM) is kept for the Nu Html Checker; at each
/// width nothing scrolls sideways, and a screenshot is saved.
async function check(page, name) {
  assert.deepEqual(await axe(page), [], `axe on ${name}`);
  const served = await page.context().request.get(page.url());
  writeFileSync(`${OUT}/html/${name}.html`, await served.text());
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= width, `${name} scrolls sideways at ${width}px (${scrollWidth}px wide)`);
    await page.screenshot({ path: `${OUT}/screenshots/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  checked.push([name, page.url()]);
}

before(async () => {
  mkdirSync(`${OUT}/html`, { recursive: true });
  mkdirSync(`${OUT}/screenshots`, { recursive: true });
  mkdirSync(`${OUT}/downloads`, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("a producer runs their shares from the console, and a visitor's download shows up", async () => {
  const handle = `owl-${process.pid}`;
  const producer = await newProducer(handle, "Night Owl");
  const account = await dropboxAccount();

  const owner = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await owner.newPage();

  // Sign in.
  await page.goto(`${BASE}/console`);
  await check(page, "sign-in");
  await page.getByLabel("API key").fill(producer.api_key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Shares", level: 1 }).waitFor();
  assert.match(await page.getByRole("alert").first().innerText(), /Connect Dropbox/);
  await check(page, "shares-empty");

  // The attack: the owner's own link to Dropbox, finished in another
  // browser, links nothing.
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  const link = (await json(`${BASE}/api/dropbox/connect`, {
    headers: { authorization: `Bearer ${producer.api_key}` },
  })).authorize_url;
  await strangerPage.goto(link);
  await strangerPage.getByRole("heading", { name: "Sign in to your console" }).waitFor();
  assert.ok(strangerPage.url().startsWith(BASE), "a signed-out browser is not sent to Dropbox");
  await page.goto(link); // the owner's browser goes on to Dropbox
  await page.getByRole("heading", { name: "Allow access?" }).waitFor();
  await strangerPage.goto(page.url());
  await strangerPage.locator("a", { hasText: account }).click();
  await strangerPage.getByRole("heading", { name: "Connect Dropbox from your console" }).waitFor();
  assert.match(await strangerPage.innerText("body"), /Nothing was linked/);
  assert.equal((await me(producer.api_key)).dropbox.status, "not_connected");
  await stranger.close();

  // Connect for real, from the console's button.
  await page.goto(`${BASE}/console`);
  await page.getByRole("button", { name: "Connect Dropbox" }).click();
  await page.locator("a", { hasText: account }).click();
  await page.getByText(`Connected Jane Doe's Dropbox to Night Owl (@${handle})`).waitFor();
  await page.getByRole("link", { name: "Open your console" }).click();
  await page.getByText("jane@example.com").waitFor();
  assert.equal(await page.getByRole("alert").count(), 0, "no warning once connected");
  await check(page, "shares-connected");

  // Import a folder of three track folders.
  await page.getByRole("link", { name: "Import", exact: true }).click();
  await check(page, "import-root");
  await page.getByRole("link", { name: "Beats" }).click();
  await check(page, "import-folder");
  await page.getByRole("link", { name: "Propose tracks from this folder" }).click();
  await page.getByRole("heading", { name: "Proposed tracks" }).waitFor();
  await check(page, "import-proposal");
  const proposals = await page.locator("fieldset.proposal").evaluateAll((sets) =>
    sets.map((set) => ({
      title: set.querySelector("[name$='.title']").value,
      bpm: set.querySelector("[name$='.bpm']").value,
      key: set.querySelector("[name$='.key']").value,
      artwork: set.querySelector("[name$='.artwork_path']").value,
      files: [...set.querySelectorAll("tbody tr")].map((row) => [
        row.querySelector("th").firstChild.textContent.trim(),
        row.querySelector("select").value,
      ]),
    })),
  );
  assert.deepEqual(proposals, [
    { title: "Low Tide", bpm: "", key: "", artwork: "",
      files: [["Low Tide bounce.wav", "bounce"], ["Low Tide.flp", "project"]] },
    { title: "Night Drive", bpm: "128", key: "F# minor", artwork: "/Beats/Night Drive 128bpm F#m/cover.jpg",
      files: [["Night Drive Master.wav", "master"], ["Night Drive.mp3", "bounce"], ["Stems/", "stems"], ["Night Drive.als", "project"]] },
    { title: "Sunrise", bpm: "100", key: "A minor", artwork: "/Beats/Sunrise - A minor - 100 BPM/artwork.png",
      files: [["Sunrise.wav", "master"]] },
  ]);
  // The producer corrects a proposal before saving.
  await page.getByLabel("Title").first().fill("Low Tide (Edit)");
  await page.getByRole("button", { name: "Import tracks" }).click();
  await page.getByText("Tracks imported").waitFor();
  assert.equal(await page.locator("li.track").count(), 3);
  await check(page, "library");
  await page.getByRole("link", { name: "Edit Night Drive" }).click();
  await check(page, "track");

  // Create a share of two tracks that allows stems.
  await page.getByRole("link", { name: "New share", exact: true }).first().click();
  await check(page, "share-new");
  await page.getByLabel("Title", { exact: true }).fill("For the label");
  await page.getByRole("checkbox", { name: "Night Drive" }).check();
  await page.getByRole("checkbox", { name: "Sunrise" }).check();
  await page.getByRole("checkbox", { name: "Stems" }).check();
  await page.getByRole("button", { name: "Create share" }).click();
  await page.getByText("Share created").waitFor();
  const shareUrl = await page.getByRole("textbox", { name: "Link", exact: true }).inputValue();
  assert.ok(shareUrl.startsWith(`${BASE}/s/`), shareUrl);
  const consoleShare = page.url().split("?")[0];

  // A visitor, signed out, opens the link and downloads the stems.
  const visitor = await browser.newContext({ acceptDownloads: true });
  const visitorPage = await visitor.newPage();
  await visitorPage.goto(shareUrl);
  await visitorPage.getByRole("heading", { name: "For the label" }).waitFor();
  const [download] = await Promise.all([
    visitorPage.waitForEvent("download"),
    visitorPage.locator("a[href*='/files/']", { hasText: "Stems" }).first().click(),
  ]);
  assert.equal(download.suggestedFilename(), "Stems.zip");
  await download.saveAs(`${OUT}/downloads/Stems.zip`);
  assert.ok(readFileSync(`${OUT}/downloads/Stems.zip`).subarray(0, 2).toString() === "PK", "a ZIP arrived");
  await visitor.close();

  // The producer sees the view and the download, once the events queue has
  // delivered them (about a second).
  const figure = async (name) =>
    page.locator(".figures div", { hasText: name }).locator("dd").innerText();
  for (const deadline = Date.now() + 15_000; ; ) {
    await page.goto(consoleShare);
    const counted = (await figure("Views")) === "1" && (await figure("Downloads")) === "1";
    if (counted || Date.now() > deadline) break;
    await page.waitForTimeout(250);
  }
  assert.equal(await figure("Views"), "1");
  assert.equal(await figure("Downloads"), "1");
  assert.equal(await page.locator("svg.chart rect.views").count(), 1);
  assert.equal(await page.locator("svg.chart rect.downloads").count(), 1);
  await page.getByText("Views and downloads by day").click();
  const today = await page.locator("table.daily tbody tr").first().locator("td").allInnerTexts();
  assert.deepEqual(today, ["1", "1"]);
  const stems = page.locator("tr", { hasText: "Stems" }).locator("td.num");
  assert.equal(await stems.innerText(), "1");
  await check(page, "share");

  // Reorder with the script's buttons, then save.
  await page.getByRole("button", { name: "Move Sunrise up" }).click();
  await page.getByRole("button", { name: "Save share" }).click();
  await page.getByText("Share saved").waitFor();
  const ids = (await json(`${BASE}/api/shares`, { headers: { authorization: `Bearer ${producer.api_key}` } }))
    .shares[0].track_ids;
  const tracks = (await json(`${BASE}/api/tracks`, { headers: { authorization: `Bearer ${producer.api_key}` } })).tracks;
  const titles = ids.map((id) => tracks.find((t) => t.id === id).title);
  assert.deepEqual(titles, ["Sunrise", "Night Drive"]);

  // The profile, and a forged CSRF token that changes nothing.
  await page.getByRole("link", { name: "Profile" }).click();
  await check(page, "profile");
  await page.getByLabel("Name").fill("Forged Name");
  await page.locator("form[action='/console/profile'] input[name=csrf]").evaluate((input) => { input.value = "forged"; });
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.getByRole("heading", { name: "This form could not be accepted" }).waitFor();
  assert.equal((await me(producer.api_key)).display_name, "Night Owl");
  await page.goto(`${BASE}/console/profile`);
  await page.getByLabel("Bio").fill("Beats after dark.");
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.getByText("Profile saved").waitFor();
  assert.equal((await me(producer.api_key)).bio, "Beats after dark.");

  // A second key, shown once.
  await page.getByRole("link", { name: "Keys" }).click();
  await page.getByRole("button", { name: "Make a new key" }).click();
  const newKey = await page.getByRole("textbox", { name: "New API key" }).inputValue();
  assert.match(newKey, /^sp\./);
  assert.equal((await me(newKey)).handle, handle);
  await check(page, "keys");

  await owner.close();
});

test("every console page is valid HTML (Nu Html Checker)", () => {
  const files = checked.map(([name]) => `${OUT}/html/${name}.html`);
  assert.ok(files.length >= 10, `pages checked: ${files.length}`);
  assert.deepEqual(vnu(files), []);
});
