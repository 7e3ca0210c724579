// One player for a share page. Without this script every track keeps its
// own native <audio> (written inside <noscript>); with it, the page gets a
// play button per track and a persistent bar (artwork, title, play/pause,
// previous/next, seek, elapsed and total time), one track at a time, the next one starting when a track
// ends, Space and arrow keys, and the Media Session API for lock screens.
// A large share comes a page of tracks at a time: "More tracks" (and the
// player, at the end of what is loaded) brings the next page into this one,
// so listening never stops for a page load. Audio loads only when a track
// is played.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("main .tracks, main .featured");
  if (!list) return;
  const byline = document.querySelector("[data-artist]");
  const artist = byline ? byline.dataset.artist : "";
  const tracks = [];
  const buttons = [];
  const audio = new Audio();
  audio.preload = "none";
  let current = -1;

  // An element with properties, attributes (`aria-*` and the like) and children.
  const el = (tag, props = {}, attrs = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  };
  const time = (s) => {
    if (!Number.isFinite(s)) return "–:––";
    const whole = Math.floor(s);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  };

  // A track's native player waits in a <noscript>, so that with this
  // script it is never built: its text (or, in a page fetched by
  // `loadMore`, parsed without scripting, its element) says what to play.
  const nativeIn = (holder) => {
    if (holder.firstElementChild) return holder.firstElementChild;
    const inert = document.createElement("template");
    inert.innerHTML = holder.textContent;
    return inert.content.querySelector("audio[aria-labelledby]");
  };

  // A play button beside each track, in place of its native player. A
  // player is named by its track's title, by reference; the track's cover
  // is the picture in its card.
  function adopt(holders) {
    for (const holder of holders) {
      const source = nativeIn(holder);
      if (!source) continue;
      const i = tracks.length;
      const title = document.getElementById(source.getAttribute("aria-labelledby"));
      const picture = holder.closest("li, .featured")?.querySelector(".art img");
      tracks.push({ src: source.getAttribute("src"), title: title ? title.textContent : "", art: picture ? picture.src : "" });
      if (source.hasAttribute("controlslist")) audio.setAttribute("controlslist", "nodownload");
      const button = el("button", { type: "button", className: "btn play-track" }, { "aria-pressed": "false" },
        el("span", { className: "play-icon" }, { "aria-hidden": "true" }),
        el("span", { className: "play-label", textContent: "Play" }, { "aria-hidden": "true" }),
        el("span", { className: "sr-only", textContent: `Play ${tracks[i].title}` }));
      button.addEventListener("click", () => (current === i && !audio.paused ? audio.pause() : play(i)));
      holder.replaceWith(button);
      buttons.push(button);
    }
  }
  // The page's players become buttons five at a time, each batch a task of
  // its own: twenty at once was the longest script task Lighthouse found
  // (100–120 ms on a throttled phone), long enough to hold up a tap.
  const adopted = new Promise((resolve) => {
    const pending = [...list.querySelectorAll("noscript")];
    const batch = () => {
      adopt(pending.splice(0, 5));
      if (pending.length > 0) setTimeout(batch, 0);
      else resolve();
    };
    batch();
  });

  // The next page of tracks, fetched and appended to the list; resolves to
  // the first new track's card, or false when none came. On failure the
  // link is left as it is: following it still works.
  const pager = document.querySelector("main .pager");
  const range = pager?.querySelector(".pager-range");
  let more = pager?.querySelector(".pager-next") ?? null;
  let loading = null;
  function loadMore() {
    if (!more) return Promise.resolve(false);
    if (loading) return loading;
    more.setAttribute("aria-busy", "true");
    loading = adopted.then(() => fetch(more.href, { credentials: "same-origin" }))
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then((html) => {
        // Only its <main>: the head's style element, under another
        // response's nonce, would be refused by this page's policy.
        const main = html.slice(html.indexOf("<main"), html.lastIndexOf("</main>") + "</main>".length);
        const page = new DOMParser().parseFromString(main, "text/html");
        const items = [...page.querySelectorAll("main .tracks > li")].map((item) => document.adoptNode(item));
        if (items.length === 0) return false;
        list.append(...items);
        for (const item of items) adopt(item.querySelectorAll("noscript"));
        const after = page.querySelector("main .pager");
        if (range && after) range.textContent = `${range.textContent.split("–")[0]}–${after.dataset.last}`;
        const onward = after?.querySelector(".pager-next");
        if (onward) more.href = onward.getAttribute("href");
        else { more.remove(); more = null; }
        render();
        return items[0];
      })
      .catch(() => false)
      .finally(() => { loading = null; more?.removeAttribute("aria-busy"); });
    return loading;
  }
  more?.addEventListener("click", (event) => {
    event.preventDefault();
    const href = more.href;
    loadMore().then((first) => {
      if (!first) { location.href = href; return; }
      // Reading goes on where the new tracks start.
      const heading = first.querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
    });
  });

  // The bar.
  const cover = el("img", { className: "bar-art", alt: "", width: 48, height: 48 });
  const title = el("p", { className: "bar-title" });
  // Icons are drawn, not typed: not every font has the media symbols.
  const ICONS = {
    prev: "M6 5h2v14H6zM20 5v14L9 12z",
    next: "M16 5h2v14h-2zM4 5v14l11-7z",
    play: "M7 4v16l13-8z",
    pause: "M6 4h4v16H6zM14 4h4v16h-4z",
  };
  const icon = (name) => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  };
  const control = (label, name) =>
    el("button", { type: "button", className: "bar-btn" }, { "aria-label": label }, icon(name));
  const prev = control("Previous track", "prev");
  const toggle = control("Play", "play");
  const next = control("Next track", "next");
  toggle.classList.add("bar-toggle");
  const seek = el("input", { type: "range", className: "bar-seek", min: 0, max: 0, step: "any", value: 0 }, { "aria-label": "Seek" });
  const elapsed = el("span", { className: "bar-time", textContent: "0:00" }, { "aria-label": "Elapsed" });
  const total = el("span", { className: "bar-time", textContent: "–:––" }, { "aria-label": "Length" });
  const bar = el("section", { className: "playerbar", hidden: true }, { "aria-label": "Player" },
    cover,
    el("div", { className: "bar-main" }, {}, title, el("div", { className: "bar-row" }, {}, elapsed, seek, total)),
    el("div", { className: "bar-controls" }, {}, prev, toggle, next));
  document.body.append(bar);

  function play(i) {
    if (i < 0 || i >= tracks.length) return;
    if (i !== current) {
      current = i;
      audio.src = tracks[i].src;
      title.textContent = tracks[i].title;
      cover.hidden = !tracks[i].art;
      if (tracks[i].art) cover.src = tracks[i].art;
      seek.value = 0;
      elapsed.textContent = "0:00";
      total.textContent = "–:––";
      if ("mediaSession" in navigator && "MediaMetadata" in window) {
        navigator.mediaSession.metadata = new MediaMetadata({
          title: tracks[i].title,
          artist,
          artwork: tracks[i].art ? [{ src: new URL(tracks[i].art, location.href).href }] : [],
        });
      }
    }
    bar.hidden = false;
    document.body.classList.add("with-player");
    audio.play().catch(() => {});
  }

  // The track after this one, from the next page when this was the last
  // one loaded.
  function advance() {
    if (current < tracks.length - 1) play(current + 1);
    else {
      // A page may bring tracks without a file to play: then on to the next.
      loadMore().then((added) => {
        if (current < tracks.length - 1) play(current + 1);
        else if (added && more) advance();
        else render();
      });
    }
  }

  function render() {
    const playing = !audio.paused;
    toggle.firstChild.firstChild.setAttribute("d", ICONS[playing ? "pause" : "play"]);
    toggle.setAttribute("aria-label", playing ? "Pause" : "Play");
    prev.disabled = current <= 0;
    next.disabled = current >= tracks.length - 1 && !more;
    buttons.forEach((button, i) => {
      const on = playing && i === current;
      button.setAttribute("aria-pressed", String(on));
      button.querySelector(".play-label").textContent = on ? "Pause" : "Play";
      button.querySelector(".sr-only").textContent = `${on ? "Pause" : "Play"} ${tracks[i].title}`;
    });
    if ("mediaSession" in navigator) navigator.mediaSession.playbackState = playing ? "playing" : "paused";
  }

  audio.addEventListener("play", render);
  audio.addEventListener("pause", render);
  audio.addEventListener("loadedmetadata", () => {
    seek.max = audio.duration;
    total.textContent = time(audio.duration);
  });
  audio.addEventListener("timeupdate", () => {
    seek.value = audio.currentTime;
    elapsed.textContent = time(audio.currentTime);
  });
  audio.addEventListener("ended", () => {
    if (current < tracks.length - 1 || more) advance();
    else render();
  });
  seek.addEventListener("input", () => { audio.currentTime = Number(seek.value); });
  toggle.addEventListener("click", () => (audio.paused ? play(Math.max(current, 0)) : audio.pause()));
  prev.addEventListener("click", () => play(current - 1));
  next.addEventListener("click", advance);

  // Space plays and pauses, arrows seek by 5 seconds, anywhere on the page
  // but in a field or on a control that already uses those keys.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest && target.closest("input, textarea, select, a, button")) return;
    if (event.key === " ") {
      event.preventDefault();
      audio.paused ? play(Math.max(current, 0)) : audio.pause();
    } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && current >= 0) {
      event.preventDefault();
      audio.currentTime = Math.max(0, audio.currentTime + (event.key === "ArrowRight" ? 5 : -5));
    }
  });

  if ("mediaSession" in navigator) {
    const on = (action, handler) => {
      try { navigator.mediaSession.setActionHandler(action, handler); } catch { /* not supported */ }
    };
    on("play", () => play(Math.max(current, 0)));
    on("pause", () => audio.pause());
    on("previoustrack", () => play(current - 1));
    on("nexttrack", advance);
    on("seekto", (details) => { audio.currentTime = details.seekTime; });
  }
  render();
  adopted.then(render);
});
