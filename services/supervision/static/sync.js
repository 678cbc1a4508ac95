// A sync's page, while the sync is not final: when the live feed says it moved (a held import
// approved or rejected, an import applied), the page reloads to show its new state and report.
"use strict";

(function () {
  const page = document.querySelector("[data-live-sync]");
  if (!page) return;
  const syncId = page.dataset.liveSync;
  const shownState = page.dataset.state;
  const source = new EventSource("/api/live");
  source.addEventListener("sync", (event) => {
    const sync = JSON.parse(event.data);
    if (sync.sync_id === syncId && sync.state !== shownState) {
      source.close();
      location.reload();
    }
  });
  // Anything missed while the feed was reconnecting: look again from the server.
  source.addEventListener("resync", () => location.reload());
})();
