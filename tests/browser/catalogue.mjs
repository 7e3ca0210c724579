// A producer's catalogue as the browser tests use it: a themed producer
// whose Dropbox (the stand-in) holds 21 tracks of real audio (short tones)
// and covers, connected through the console as a person would, and four
// shares: one track with every kind of download, twenty tracks, fourteen
// credited at such length that they come a page at a time, and one
// listen-only.

import { BASE, apiOf, newProducer, standinAccount } from "./support.mjs";

const TITLES = [
  "Night Drive", "Sunrise", "Low Tide", "Neon Rain", "Paper Planes", "Slow Burn", "Glass House",
  "Afterglow", "Blue Hour", "Static", "Undertow", "Golden Mile", "Parallel", "Satellite",
  "Wildfire", "Echo Park", "Velvet", "Northern Line", "Daydream", "Last Call",
];
const KEYS = ["F# minor", "A minor", "C major", "E minor", "Bb major"];

/// Connects `key`'s Dropbox as a person would: signed in to the console,
/// through the stand-in's consent page.
async function connect(browser, key, account) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/console`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Connect Dropbox" }).click();
  await page.locator("a", { hasText: account }).click();
  await page.getByText("Dropbox connected").first().waitFor();
  await context.close();
}

/// `name` and `theme` ({accent, mode}) for the producer; `handle` unique.
export async function catalogue(browser, { handle, name, theme }) {
  const producer = await newProducer(handle, name);
  const api = apiOf(producer.api_key);
  await api("/api/me", "PATCH", { theme, bio: `${name} makes music after dark.`, public_profile: true });
  const files = {
    "/Daybreak/Daybreak.wav": { tone: 6 },
    "/Daybreak/Daybreak (bounce).mp3": { tone: 6 },
    "/Daybreak/Daybreak Stems/drums.wav": { content: "drums" },
    "/Daybreak/Daybreak Stems/bass.wav": { content: "bass" },
    "/Daybreak/Daybreak.als": { content: "project" },
    "/Daybreak/cover.jpg": { content: "daybreak cover" },
  };
  TITLES.forEach((title, i) => {
    // The first ends quickly, so a test sees the next one start by itself.
    files[`/Catalogue/${title}.wav`] = { tone: i === 0 ? 1.5 : 4 };
    if (i % 3 !== 2) files[`/Catalogue/Art/${title}.jpg`] = { content: `cover of ${title}` };
  });
  files["/Catalogue/Night Drive (bounce).wav"] = { tone: 4 };
  const account = await standinAccount(files, name, `${handle}@example.com`);
  await connect(browser, producer.api_key, account);

  const daybreak = await api("/api/tracks", "POST", {
    title: "Daybreak", bpm: 96, key: "D minor", artwork_path: "/Daybreak/cover.jpg",
    collaborators: [{ name: "Ada Lovelace", role: "Vocals", url: "https://ada.example.com/" }],
    files: [
      { kind: "master", path: "/Daybreak/Daybreak.wav", size: 48000000 },
      { kind: "bounce", path: "/Daybreak/Daybreak (bounce).mp3", size: 9400000 },
      { kind: "stems", path: "/Daybreak/Daybreak Stems", folder: true },
      { kind: "project", path: "/Daybreak/Daybreak.als", size: 912000 },
    ],
  });
  const tracks = [];
  for (const [i, title] of TITLES.entries()) {
    const files = [{ kind: "master", path: `/Catalogue/${title}.wav`, size: 40000000 + i * 1000000 }];
    if (i === 0) files.push({ kind: "bounce", path: `/Catalogue/${title} (bounce).wav` });
    tracks.push(await api("/api/tracks", "POST", {
      title, bpm: 80 + i * 3, key: KEYS[i % KEYS.length], files,
      artwork_path: i % 3 !== 2 ? `/Catalogue/Art/${title}.jpg` : null,
      collaborators: i % 4 === 0 ? [{ name: "Bo Diddley", role: "Mix engineer" }] : [],
    }));
  }
  // The same recordings credited at length: every credit's name, role and
  // link at their longest, so a share of them is shown a page at a time.
  const credit = { name: "N".repeat(60), role: "R".repeat(60), url: `https://example.com/${"u".repeat(2000)}` };
  const heavy = [];
  for (const title of TITLES.slice(0, 14)) {
    heavy.push(await api("/api/tracks", "POST", {
      title: `${title} (credited)`, files: [{ kind: "master", path: `/Catalogue/${title}.wav` }],
      collaborators: Array(5).fill(credit),
    }));
  }
  const shares = {
    single: await api("/api/shares", "POST", {
      track_ids: [daybreak.id], on_profile: true, expires_in_days: 3,
      description: "Final master for the label, with stems and the session.",
      downloads: { kinds: ["master", "bounce", "stems", "project"] },
    }),
    twenty: await api("/api/shares", "POST", {
      title: "Twenty ideas", track_ids: tracks.map((t) => t.id), on_profile: true,
      description: "Everything from the spring sessions.\nTell me which ones you like.",
      downloads: { kinds: ["master"] },
    }),
    paged: await api("/api/shares", "POST", {
      title: "Fully credited", track_ids: heavy.map((t) => t.id), downloads: { kinds: ["master"] },
    }),
    listenOnly: await api("/api/shares", "POST", {
      title: "First listen", track_ids: [tracks[0].id], downloads: "none",
    }),
  };
  return { producer, api, shares, titles: TITLES };
}
