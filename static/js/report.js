/* The event report's charts, drawn with the self-hosted Chart.js and its datalabels plugin
   (classic scripts loaded before this module, used through their window globals) from the
   page's JSON data block; the tables beside each chart carry the same figures for print and
   screen readers. Sans-serif type as the page's, one colour per measure so that the legends
   match the bars, every value written on its bar, category names never cut. */
import { $, printButtons, readConfig } from "./page.js";

const Chart = window.Chart;
const DataLabels = window.ChartDataLabels;

function drawCharts(data) {
  const css = window.getComputedStyle(document.documentElement);
  const colour = (name, fallback) => (css.getPropertyValue(name) || fallback).trim();
  const outcomeColours = {
    done: "#1e7b3a", ongoing: "#2f5fa7", no_contact: "#e0a526", not_feasible: "#b42318",
    unknown: "#b8bec6"
  };
  const brand = colour("--brand", "#1d5c4d"), accent = colour("--accent", "#e0a526");
  const ink = colour("--ink", "#1b1b1b");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || "pl");
  const common = { responsive: true, maintainAspectRatio: false,
                   locale: document.documentElement.lang || "pl" };
  const charts = [];

  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = ink;
  Chart.defaults.animation = window.matchMedia("print").matches ? false : Chart.defaults.animation;
  const plugins = DataLabels ? [DataLabels] : [];
  // A value at the end of its bar (a zero writes nothing).
  const onBars = {
    anchor: "end", align: "end", offset: 2, clamp: true, color: ink,
    font: { weight: "bold", size: 13 },
    formatter: (value) => (value ? numbers.format(value) : "")
  };

  // A long name in lines of about WIDTH characters, so that no axis cuts it on a phone.
  const narrow = window.matchMedia("(max-width: 40rem)").matches;
  function wrapped(label, width = narrow ? 14 : 28) {
    const lines = [];
    String(label).split(" ").forEach((word) => {
      const last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) lines[last] += " " + word;
      else lines.push(word);
    });
    return lines;
  }
  const wrappedTicks = { autoSkip: false,
                         callback(value) { return wrapped(this.getLabelForValue(value)); } };

  function draw(id, config) {
    const canvas = $(id);
    if (canvas) charts.push(new Chart(canvas, { plugins, ...config }));
  }

  draw("chart-sectors", {
    type: "bar",
    data: {
      labels: data.sectors.labels,
      datasets: [
        { label: data.labels.organizations, data: data.sectors.organizations, backgroundColor: brand },
        { label: data.labels.people, data: data.sectors.people, backgroundColor: accent }
      ]
    },
    options: {
      ...common,
      indexAxis: "y",  // the sectors' names read across, on a phone too
      layout: { padding: { right: 36 } },
      plugins: { datalabels: onBars, legend: { position: "bottom" } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: wrappedTicks } }
    }
  });

  // As tall as its categories need: one bar a row, none squeezed.
  const box = $("chart-categories-box");
  if (box) box.style.height = (Math.max(3, Number(box.getAttribute("data-rows"))) * (narrow ? 3.4 : 2.4) + 3) + "rem";
  draw("chart-categories", {
    type: "bar",
    data: {
      labels: data.categories.labels,
      datasets: [{ label: data.labels.deals, data: data.categories.deals, backgroundColor: brand }]
    },
    options: {
      ...common,
      indexAxis: "y",
      layout: { padding: { right: narrow ? 90 : 120 } },
      plugins: {
        legend: { display: false },
        datalabels: { ...onBars, clamp: false,
                      // "7 · 7 700 zł": the deals, then their estimated value.
                      formatter: (value, context) => value ? numbers.format(value) + " · " +
                        numbers.format(data.categories.value[context.dataIndex]) + " zł" : "" }
      },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 },
                     title: { display: true, text: data.labels.deals } },
                y: { ticks: wrappedTicks } }
    }
  });

  draw("chart-outcomes", {
    type: "doughnut",
    data: {
      labels: data.outcomes.labels,
      datasets: [{ data: data.outcomes.deals,
                   backgroundColor: data.outcomes.codes.map((c) => outcomeColours[c]) }]
    },
    options: {
      ...common,
      plugins: {
        legend: { position: narrow ? "bottom" : "right" },
        datalabels: { color: "#fff", font: { weight: "bold", size: 14 },
                      formatter: (value) => (value ? numbers.format(value) : "") }
      }
    }
  });

  // Canvases keep their screen size on paper unless resized around printing.
  const resize = () => charts.forEach((c) => c.resize());
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
}

printButtons();
const data = readConfig("report-data");
if (data && Chart) drawCharts(data);
