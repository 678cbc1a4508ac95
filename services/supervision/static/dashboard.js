// The dashboard, live: new syncs appear at the top of the list, states change in place, charts and
// alerts refresh from the API (at most every two seconds) whenever the feed says something changed.
"use strict";

(function () {
  const STATE_LABELS = JSON.parse(document.getElementById("labels").textContent);
  const TONES = { served: "ok", applied: "ok", partially_applied: "warn", held: "warn", refused: "bad", rejected: "bad", failed: "bad" };
  const MAX_ROWS = 15;
  const status = document.getElementById("live-status");
  const table = document.querySelector("#recent-syncs tbody");
  let refreshTimer = null;

  function badge(state) {
    const span = document.createElement("span");
    span.className = `badge tone-${TONES[state] || "info"}`;
    span.dataset.state = state;
    span.textContent = STATE_LABELS[state] || state;
    return span;
  }

  function cell(content) {
    const td = document.createElement("td");
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    return td;
  }

  function link(href, text, className) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (className) a.className = className;
    return a;
  }

  function row(sync) {
    const tr = document.createElement("tr");
    tr.dataset.syncId = sync.sync_id;
    tr.className = "fresh";
    const started = new Date(sync.started_at).toLocaleString("fr-FR");
    tr.append(
      cell(started),
      cell(sync.uai ? link(`/etablissements/${encodeURIComponent(sync.uai)}`, sync.uai) : "—"),
      cell(sync.academie || "—"),
      cell(`${sync.flow} ${sync.direction}`),
      cell(sync.editor || "—"),
      cell(badge(sync.state)),
      cell(link(`/synchronisations/${encodeURIComponent(sync.sync_id)}`, "Détail", "detail-link")),
    );
    tr.children[0].className = "nowrap";
    tr.children[5].className = "state-cell";
    return tr;
  }

  function onSync(sync) {
    const existing = table.querySelector(`tr[data-sync-id="${CSS.escape(sync.sync_id)}"]`);
    if (existing) {
      existing.querySelector(".state-cell").replaceChildren(badge(sync.state));
      existing.classList.remove("fresh"); void existing.offsetWidth; existing.classList.add("fresh");
    } else if (sync.created) {
      table.querySelector("tr.empty")?.remove();
      table.prepend(row(sync));
      while (table.children.length > MAX_ROWS) table.lastElementChild.remove();
    }
    scheduleRefresh();
  }

  function scheduleRefresh() {
    if (refreshTimer === null) refreshTimer = setTimeout(refresh, 2000);
  }

  async function refresh() {
    refreshTimer = null;
    const [stats, alerts] = await Promise.all([fetchJson("/api/stats?hours=24"), fetchJson("/api/alerts")]);
    if (stats) drawStats(stats);
    if (alerts) drawAlerts(alerts);
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

  function drawAlerts(alerts) {
    const list = document.getElementById("open-alerts");
    document.getElementById("kpi-alerts").textContent = alerts.length;
    if (alerts.length === 0) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "Aucune alerte ouverte.";
      list.replaceChildren(empty);
      return;
    }
    list.replaceChildren(...alerts.slice(0, 10).map((alert) => {
      const li = document.createElement("li");
      li.className = `alert sev-${alert.severity} status-${alert.status}`;
      li.dataset.alertId = alert.id;
      const title = document.createElement("strong");
      title.textContent = alert.title;
      const message = document.createElement("p");
      message.textContent = alert.message;
      li.append(title, message);
      return li;
    }));
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
