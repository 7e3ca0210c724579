// The console's enhancements. Every form works without this script; with it,
// share links copy in one click and a share's tracks move up and down.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A cover that cannot load becomes a plain tile, not a broken image.
  const missing = (img) => {
    const tile = document.createElement("span");
    tile.className = "cover cover-missing";
    tile.setAttribute("aria-hidden", "true");
    img.replaceWith(tile);
  };
  for (const img of document.querySelectorAll("img.cover")) {
    if (img.complete && img.naturalWidth === 0) missing(img);
    else img.addEventListener("error", () => missing(img));
  }

  // Copy a share's link.
  if (navigator.clipboard) {
    for (const button of document.querySelectorAll("button.copy[data-copy]")) {
      button.hidden = false;
      button.addEventListener("click", async () => {
        const label = button.textContent;
        try {
          await navigator.clipboard.writeText(button.dataset.copy);
          button.textContent = "Copied";
        } catch {
          button.textContent = "Copy failed";
        }
        setTimeout(() => { button.textContent = label; }, 2000);
      });
    }
  }

  // Reorder a share's tracks: the buttons move a row and renumber the
  // picked tracks' positions, which the form sends as it would without us.
  for (const list of document.querySelectorAll("[data-reorder]")) {
    const renumber = () => {
      let n = 0;
      for (const row of list.children) {
        const picked = row.querySelector("input[type=checkbox]").checked;
        row.querySelector(".pos input").value = picked ? String(++n) : "";
      }
    };
    for (const row of list.children) {
      row.querySelector(".moves").hidden = false;
      row.querySelector(".up").addEventListener("click", (event) => {
        if (row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
        renumber();
        event.currentTarget.focus();
      });
      row.querySelector(".down").addEventListener("click", (event) => {
        if (row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
        renumber();
        event.currentTarget.focus();
      });
      row.querySelector("input[type=checkbox]").addEventListener("change", renumber);
    }
  }
});
