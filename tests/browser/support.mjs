// What the browser tests share: the stack scripts/test.sh started, the
// admin and producer APIs, the Dropbox stand-in, Chromium, axe-core and the
// Nu Html Checker.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

export const BASE = process.env.SHAREPAGE_URL;
export const DROPBOX = process.env.SHAREPAGE_DROPBOX_URL;
export const ADMIN = process.env.SHAREPAGE_ADMIN_TOKEN;
export const OUT = process.env.BROWSER_OUT || "tmp/browser";
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");

export async function json(url, init = {}) {
  const response = await fetch(url, init);
  assert.ok(response.ok, `${url}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? null : response.json();
}

export function newProducer(handle, displayName) {
  return json(`${BASE}/admin/producers`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ handle, display_name: displayName }),
  });
}

/// The producer API as `key` calls it.
export const apiOf = (key) => (path, method = "GET", body) =>
  json(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });

/// A Dropbox account in the stand-in holding `files` (stand-in specs).
export async function standinAccount(files, name, email) {
  const created = await json(`${DROPBOX}/__standin/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ files, name, email }),
  });
  return created.account_id;
}

export function launch(args = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", ...args] });
}

/// A full-page screenshot with every track drawn: the page lays out and
/// paints a long list only as it scrolls into view (`content-visibility`),
/// which a screenshot of the whole page never does.
export async function screenshot(page, path) {
  await page.evaluate(() => {
    for (const track of document.querySelectorAll(".tracks > li")) track.style.contentVisibility = "visible";
  });
  await page.screenshot({ path, fullPage: true });
}

/// axe-core's violations on the page as it is now, one line each.
export async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => await window.axe.run(document));
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary}`).join("; ")}`,
  );
}

/// The Nu Html Checker's errors in `files`, one line each (one JVM for all).
export function vnu(files) {
  let report;
  try {
    report = execFileSync(
      "java",
      ["-jar", "node_modules/vnu-jar/build/dist/vnu.jar", "--errors-only", "--format", "json", ...files],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (failed) {
    report = failed.stderr || failed.stdout;
  }
  const messages = report ? JSON.parse(report).messages : [];
  return messages.map((m) => `${m.url}:${m.lastLine}: ${m.message}`);
}
