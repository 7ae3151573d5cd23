/* The event report's charts, drawn with the self-hosted Chart.js from the page's JSON data
   block (the tables beside each chart carry the same figures for print and screen readers). */
(function () {
  "use strict";

  var printButton = document.getElementById("report-print");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var source = document.getElementById("report-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var css = window.getComputedStyle(document.documentElement);
  var colour = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var sectorColours = {
    public: colour("--public", "#2f5fa7"), ngo: colour("--ngo", "#1e7b3a"),
    business: colour("--business", "#8a4b0f"), informal: colour("--informal", "#6b3fa0"),
    individual: colour("--individual", "#5a6470")
  };
  var outcomeColours = {
    done: "#1e7b3a", ongoing: "#2f5fa7", no_contact: "#e0a526", not_feasible: "#b42318",
    unknown: "#b8bec6"
  };
  var brand = colour("--brand", "#1d5c4d"), accent = colour("--accent", "#e0a526");
  var lang = document.documentElement.lang || "pl";

  window.Chart.defaults.font.family = css.getPropertyValue("font-family");
  window.Chart.defaults.animation = window.matchMedia("print").matches ? false : window.Chart.defaults.animation;
  var charts = [];

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { charts.push(new window.Chart(canvas, config)); }
  }

  var common = { responsive: true, maintainAspectRatio: false, locale: lang };

  draw("chart-sectors", {
    type: "bar",
    data: {
      labels: data.sectors.labels,
      datasets: [
        { label: data.labels.organizations, data: data.sectors.organizations,
          backgroundColor: data.sectors.codes.map(function (c) { return sectorColours[c]; }) },
        { label: data.labels.people, data: data.sectors.people,
          backgroundColor: data.sectors.codes.map(function (c) { return sectorColours[c] + "88"; }) }
      ]
    },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
  });

  draw("chart-categories", {
    type: "bar",
    data: {
      labels: data.categories.labels,
      datasets: [
        { label: data.labels.deals, data: data.categories.deals, backgroundColor: brand, xAxisID: "deals" },
        { label: data.labels.value, data: data.categories.value, backgroundColor: accent, xAxisID: "value" }
      ]
    },
    options: Object.assign({}, common, {
      indexAxis: "y",
      scales: {
        deals: { axis: "x", position: "bottom", beginAtZero: true, ticks: { precision: 0 } },
        value: { axis: "x", position: "top", beginAtZero: true, grid: { drawOnChartArea: false } }
      }
    })
  });

  draw("chart-outcomes", {
    type: "doughnut",
    data: {
      labels: data.outcomes.labels,
      datasets: [{ data: data.outcomes.deals,
                   backgroundColor: data.outcomes.codes.map(function (c) { return outcomeColours[c]; }) }]
    },
    options: Object.assign({}, common, { plugins: { legend: { position: "right" } } })
  });

  // Canvases keep their screen size on paper unless resized around printing.
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
}());
