// A sync's page, while the sync is not final: when the live feed says it moved (a held import
// approved or rejected, an import applied), the page reloads to show its new state and report.
"use strict";

(function () {
  const page = document.querySelector("[data-live-sync]");
  if (!page) return;
  const syncId = page.dataset.liveSync;
  const shownState = page.dataset.state;
  const source = new EventSource("/api/live");
  function moved(state) {
    if (state && state !== shownState) {
      source.close();
      location.reload();
    }
  }
  source.addEventListener("sync", (event) => {
    const sync = JSON.parse(event.data);
    if (sync.sync_id === syncId) moved(sync.state);
  });
  // The sync may have moved between the page's rendering and the feed's start: once the feed is
  // listening, read the sync again.
  source.addEventListener("ready", async () => {
    try {
      const response = await fetch(`/api/syncs/${encodeURIComponent(syncId)}`, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (response.ok) moved((await response.json()).state);
    } catch (error) {
      // the feed still tells us when it moves
    }
  });
  // Anything missed while the feed was reconnecting: look again from the server.
  source.addEventListener("resync", () => location.reload());
})();
