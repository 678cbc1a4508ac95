// Small SVG charts for the dashboard: no library, no network; values are set as text, never as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function replaceChart(container, svg) {
  container.replaceChildren(svg);
}

// Columns per hour: total in blue, errors in red over it.
function drawHours(container, perHour) {
  const width = 720, height = 180, left = 32, bottom = 22, top = 8;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}` });
  const max = Math.max(1, ...perHour.map((h) => h.total));
  const slot = (width - left) / Math.max(1, perHour.length);
  const scale = (value) => ((height - bottom - top) * value) / max;
  svg.appendChild(svgElement("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: "axis" }));
  svg.appendChild(svgElement("text", { x: 0, y: top + 10 }, String(max)));
  perHour.forEach((hour, index) => {
    const x = left + index * slot + 2, barWidth = Math.max(2, slot - 4);
    const totalHeight = scale(hour.total), errorHeight = scale(hour.errors);
    const title = `${new Date(hour.hour).getHours()} h : ${hour.total} échange(s), ${hour.errors} en erreur`;
    const group = svgElement("g", {});
    group.appendChild(svgElement("title", {}, title));
    group.appendChild(svgElement("rect", { x, y: height - bottom - totalHeight, width: barWidth, height: totalHeight, class: "bar-total" }));
    group.appendChild(svgElement("rect", { x, y: height - bottom - errorHeight, width: barWidth, height: errorHeight, class: "bar-errors" }));
    if (index % 3 === 0) {
      group.appendChild(svgElement("text", { x: x + barWidth / 2, y: height - 6, "text-anchor": "middle" }, `${new Date(hour.hour).getHours()}h`));
    }
    svg.appendChild(group);
  });
  replaceChart(container, svg);
}

// Horizontal bars of error rate, with the counts beside them.
function drawRates(container, rates) {
  const rowHeight = 26, labelWidth = 150, width = 420;
  const height = Math.max(1, rates.length) * rowHeight + 8;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}` });
  if (rates.length === 0) {
    svg.appendChild(svgElement("text", { x: 4, y: 20, class: "empty" }, "Aucun échange sur la période."));
  }
  rates.forEach((rate, index) => {
    const y = 4 + index * rowHeight, barSpace = width - labelWidth - 90;
    svg.appendChild(svgElement("text", { x: 0, y: y + 16, class: "label" }, rate.key.slice(0, 22)));
    svg.appendChild(svgElement("rect", { x: labelWidth, y: y + 4, width: barSpace, height: 14, fill: "#eef1f7", rx: 3 }));
    svg.appendChild(svgElement("rect", { x: labelWidth, y: y + 4, width: Math.max(0, barSpace * rate.rate), height: 14, class: "bar-errors", rx: 3 }));
    const percent = `${Math.round(rate.rate * 100)} % (${rate.errors}/${rate.total})`;
    svg.appendChild(svgElement("text", { x: labelWidth + barSpace + 6, y: y + 16 }, percent));
  });
  replaceChart(container, svg);
}

window.NetsynchroCharts = { drawHours, drawRates };
