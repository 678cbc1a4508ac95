// The dashboard, live: new syncs appear at the top of the list, states change in place, charts and
// alerts refresh from the API (at most every two seconds) whenever the feed says something changed.
"use strict";

(function () {
  // Rows and alerts are rendered by the server with the same macros as the page (same cells, same
  // French labels, same links): the feed only says which sync changed, the row comes from
  // /synchronisations/<id>/ligne.
  const MAX_ROWS = 15;
  const status = document.getElementById("live-status");
  const table = document.querySelector("#recent-syncs tbody");
  let refreshTimer = null;

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  async function fetchText(url) {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      return response.ok ? await response.text() : null;
    } catch (error) {
      return null;
    }
  }

  async function onSync(sync) {
    const existing = table.querySelector(`tr[data-sync-id="${CSS.escape(sync.sync_id)}"]`);
    if (existing || sync.created) {
      const html = await fetchText(`/synchronisations/${encodeURIComponent(sync.sync_id)}/ligne`);
      const fresh = html && fromHtml(html).querySelector("tr");
      if (fresh) {
        fresh.classList.add("fresh");
        const current = table.querySelector(`tr[data-sync-id="${CSS.escape(sync.sync_id)}"]`);
        if (current) {
          current.replaceWith(fresh);
        } else {
          table.querySelector("tr.empty")?.remove();
          table.prepend(fresh);
          while (table.children.length > MAX_ROWS) table.lastElementChild.remove();
        }
      }
    }
    scheduleRefresh();
  }

  function scheduleRefresh() {
    if (refreshTimer === null) refreshTimer = setTimeout(refresh, 2000);
  }

  async function refresh() {
    refreshTimer = null;
    const [stats] = await Promise.all([fetchJson("/api/stats?hours=24"), drawAlerts()]);
    if (stats) drawStats(stats);
  }

  async function fetchJson(url) {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      return response.ok ? await response.json() : null;
    } catch (error) {
      return null;
    }
  }

  function drawStats(stats) {
    NetsynchroCharts.drawHours(document.getElementById("chart-hours"), stats.per_hour);
    NetsynchroCharts.drawRates(document.getElementById("chart-editors"), stats.by_editor.slice(0, 8));
    NetsynchroCharts.drawRates(document.getElementById("chart-flows"), stats.by_flow.slice(0, 8));
    document.getElementById("kpi-total").textContent = stats.per_hour.reduce((n, h) => n + h.total, 0);
    document.getElementById("kpi-errors").textContent = stats.per_hour.reduce((n, h) => n + h.errors, 0);
  }

  async function drawAlerts() {
    const html = await fetchText("/tableau-de-bord/alertes");
    if (html === null) return;
    const list = document.getElementById("open-alerts");
    list.replaceChildren(fromHtml(html));
    document.getElementById("kpi-alerts").textContent = list.querySelectorAll("li.alert").length;
  }

  function connect() {
    const source = new EventSource("/api/live");
    source.addEventListener("ready", () => { status.dataset.state = "live"; status.textContent = "en direct"; });
    source.addEventListener("sync", (event) => onSync(JSON.parse(event.data)));
    source.addEventListener("alert", () => scheduleRefresh());
    source.addEventListener("resync", () => location.reload());
    source.onerror = () => { status.dataset.state = "error"; status.textContent = "direct interrompu, reconnexion…"; };
  }

  refresh();
  connect();
})();
