/* The event report's charts, drawn with the self-hosted Chart.js (a classic script loaded
   before this module, used through its window.Chart global) from the page's JSON data block
   (the tables beside each chart carry the same figures for print and screen readers). */
import { $, printButtons, readConfig } from "./page.js";

const Chart = window.Chart;

function drawCharts(data) {
  const css = window.getComputedStyle(document.documentElement);
  const colour = (name, fallback) => (css.getPropertyValue(name) || fallback).trim();
  const sectorColours = {
    public: colour("--public", "#2f5fa7"), ngo: colour("--ngo", "#1e7b3a"),
    business: colour("--business", "#8a4b0f"), informal: colour("--informal", "#6b3fa0"),
    individual: colour("--individual", "#5a6470")
  };
  const outcomeColours = {
    done: "#1e7b3a", ongoing: "#2f5fa7", no_contact: "#e0a526", not_feasible: "#b42318",
    unknown: "#b8bec6"
  };
  const brand = colour("--brand", "#1d5c4d"), accent = colour("--accent", "#e0a526");
  const common = { responsive: true, maintainAspectRatio: false,
                   locale: document.documentElement.lang || "pl" };
  const charts = [];

  Chart.defaults.font.family = css.getPropertyValue("font-family");
  Chart.defaults.animation = window.matchMedia("print").matches ? false : Chart.defaults.animation;

  function draw(id, config) {
    const canvas = $(id);
    if (canvas) charts.push(new Chart(canvas, config));
  }

  draw("chart-sectors", {
    type: "bar",
    data: {
      labels: data.sectors.labels,
      datasets: [
        { label: data.labels.organizations, data: data.sectors.organizations,
          backgroundColor: data.sectors.codes.map((c) => sectorColours[c]) },
        { label: data.labels.people, data: data.sectors.people,
          backgroundColor: data.sectors.codes.map((c) => sectorColours[c] + "88") }
      ]
    },
    options: { ...common, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
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
    options: {
      ...common,
      indexAxis: "y",
      scales: {
        deals: { axis: "x", position: "bottom", beginAtZero: true, ticks: { precision: 0 } },
        value: { axis: "x", position: "top", beginAtZero: true, grid: { drawOnChartArea: false } }
      }
    }
  });

  draw("chart-outcomes", {
    type: "doughnut",
    data: {
      labels: data.outcomes.labels,
      datasets: [{ data: data.outcomes.deals,
                   backgroundColor: data.outcomes.codes.map((c) => outcomeColours[c]) }]
    },
    options: { ...common, plugins: { legend: { position: "right" } } }
  });

  // Canvases keep their screen size on paper unless resized around printing.
  const resize = () => charts.forEach((c) => c.resize());
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
}

printButtons();
const data = readConfig("report-data");
if (data && Chart) drawCharts(data);
