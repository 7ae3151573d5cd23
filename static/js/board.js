/* The live board: polls the board's JSON with If-None-Match (a 304 costs the server almost
   nothing), redraws what changed, ticks the countdown every second from the session's end
   time corrected by the server's clock, and sounds the gong when the session starts and ends
   (once the audience has clicked "Enable sound": browsers refuse to play audio before). */
import { ServerClock, everySecond, formatClock } from "./clock.js";
import { $, readConfig, setText } from "./page.js";

const config = readConfig("board-config");
const labels = config.labels;
const numbers = new Intl.NumberFormat(document.documentElement.lang || "pl");
const clock = new ServerClock(config.server_now);
const gong = $("board-gong");
let board = config.board;
let etag = config.etag;
let soundOn = false;
let endGongPlayed = board.state !== "scheduled" && board.state !== "open";

function playGong() {
  if (!soundOn || !gong) return;
  try {
    gong.currentTime = 0;
    const played = gong.play();
    if (played && played.catch) played.catch(() => {});
  } catch (e) { /* no audio on this device */ }
}

function tick() {
  const left = clock.secondsLeft(board);
  const countdown = $("board-countdown");
  countdown.textContent = formatClock(left, { hours: true });
  countdown.classList.toggle("board-last-minute", board.state === "open" && left <= 60);
  if (board.state === "open" && left === 0 && !endGongPlayed) {
    endGongPlayed = true;  // the browser's clock says time is up: do not wait for a poll
    playGong();
  }
}

function emptyRow(list) {
  const li = document.createElement("li");
  li.className = "board-empty";
  li.textContent = labels.no_deals;
  list.appendChild(li);
}

// The categories with most deals (the JSON lists them so), the rest summed up in one last
// row under "", as the page renders them (CATEGORIES_SHOWN in exchange/web/events/board.py).
function topCategories(counts) {
  const codes = Object.keys(counts);
  if (codes.length <= config.categories_shown) return counts;
  const top = {};
  codes.slice(0, config.categories_shown - 1).forEach((code) => { top[code] = counts[code]; });
  top[""] = codes.slice(config.categories_shown - 1).reduce((sum, code) => sum + counts[code], 0);
  return top;
}

function drawBars(list, counts, names, classPrefix) {
  list.textContent = "";
  const codes = Object.keys(counts);
  const most = codes.reduce((m, c) => Math.max(m, counts[c]), 0);
  if (!codes.length) { emptyRow(list); return; }
  codes.forEach((code) => {
    const li = document.createElement("li");
    li.className = "board-bar-row" + (classPrefix ? " " + classPrefix + code : "");
    const label = document.createElement("span");
    label.className = "board-bar-label";
    label.textContent = code ? (names[code] || code) : labels.other_categories;
    const bar = document.createElement("span");
    bar.className = "board-bar";
    bar.setAttribute("data-count", counts[code]);
    const count = document.createElement("span");
    count.className = "board-bar-count";
    count.textContent = numbers.format(counts[code]);
    li.append(label, bar, count);
    list.appendChild(li);
  });
  sizeBars(list, most);
}

// Widths through the CSSOM (allowed by the CSP, unlike style attributes in the markup).
function sizeBars(list, most) {
  const bars = list.querySelectorAll(".board-bar");
  if (most === undefined) {
    most = 0;
    bars.forEach((bar) => { most = Math.max(most, Number(bar.getAttribute("data-count"))); });
  }
  bars.forEach((bar) => {
    const n = Number(bar.getAttribute("data-count"));
    bar.style.width = (most ? Math.max(2, Math.round(100 * n / most)) : 0) + "%";
  });
}

function drawLatest(deals) {
  const list = $("board-latest");
  list.textContent = "";
  if (!deals.length) { emptyRow(list); return; }
  deals.forEach((deal, index) => {
    const li = document.createElement("li");
    if (index === 0) li.className = "board-deal-new";
    [["board-deal-number", deal.number], ["board-deal-parties", deal.parties.join(" · ")],
     ["board-deal-what", deal.what.join("; ")]].forEach(([className, text], i) => {
      const span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      if (i) li.appendChild(document.createTextNode(" "));
      li.appendChild(span);
    });
    list.appendChild(li);
  });
}

// After the session the match of the year takes the clock's tile: "voting is on" until the
// organiser announces it, then the winning deal's parties and what they exchanged.
function drawAward(award) {
  $("board-clock").classList.toggle("board-with-award", Boolean(award));
  $("board-award").hidden = !award;
  $("board-award-pending").hidden = !award || award.announced;
  $("board-award-winner").hidden = !(award && award.announced);
  setText("board-award-number", award && award.announced ? award.number : "");
  if (award && award.announced) {
    setText("board-award-parties", award.parties.join(" · "));
    setText("board-award-what", award.what.join("; "));
  }
}

function draw(next) {
  const before = board;
  board = next;
  setText("board-state", labels.states[next.state] || next.state);
  $("board-countdown").setAttribute("data-state", next.state);
  setText("board-deals", numbers.format(next.deals));
  setText("board-value", numbers.format(next.value));
  setText("board-present", numbers.format(next.present));
  setText("board-expected", numbers.format(next.expected));
  const note = $("board-announcement");
  note.textContent = next.announcement || "";
  note.hidden = !next.announcement;
  drawBars($("board-categories"), topCategories(next.by_category), labels.categories, "");
  drawBars($("board-sectors"), next.by_sector, labels.sectors, "board-sector-");
  if (JSON.stringify(before.latest) !== JSON.stringify(next.latest)) drawLatest(next.latest);
  drawAward(next.award);
  if (next.deals > before.deals) {
    const deals = $("board-deals");
    deals.classList.remove("board-bump");
    void deals.offsetWidth;  // restart the highlight animation
    deals.classList.add("board-bump");
  }
  if (before.state === "scheduled" && next.state === "open") {
    endGongPlayed = false;
    playGong();
  } else if (before.state === "open" && next.state !== "open" && !endGongPlayed) {
    endGongPlayed = true;
    playGong();
  }
  tick();
  fitNumbers();
  fitTicker();
}

// The latest deals that fit in their box, whole: the rest are hidden, never cut in half.
function fitTicker() {
  const list = $("board-latest");
  const bottom = list.parentElement.getBoundingClientRect().bottom;
  let full = false;
  list.querySelectorAll("li").forEach((item) => {
    item.hidden = false;
    if (full || item.getBoundingClientRect().bottom > bottom) { item.hidden = true; full = true; }
  });
}

// Every number whole in its tile: a number wider than its tile (a value of 1 234 560 zł)
// gets a smaller type, and the stylesheet's size again once it fits.
function fitNumbers() {
  document.querySelectorAll(".board-number").forEach((number) => {
    number.style.fontSize = "";
    // A smaller number leaves its neighbours more room, which changes its own: a few rounds.
    for (let round = 0; round < 4 && number.scrollWidth > number.clientWidth; round += 1) {
      const size = parseFloat(window.getComputedStyle(number).fontSize);
      number.style.fontSize = Math.floor(size * number.clientWidth / number.scrollWidth * 0.97) + "px";
    }
  });
}

let failures = 0;
function poll() {
  const headers = { "Accept": "application/json" };
  if (etag) headers["If-None-Match"] = "\"" + etag + "\"";
  fetch(config.url, { headers, credentials: "same-origin" })
    .then((response) => {
      clock.read(response);
      if (response.status === 304) return null;
      if (!response.ok) throw new Error("HTTP " + response.status);
      const tag = response.headers.get("ETag");
      if (tag) etag = tag.replace(/^W\//, "").replace(/"/g, "");
      return response.json();
    })
    .then((next) => {
      failures = 0;
      $("board-offline").hidden = true;
      if (next) draw(next);
    })
    .catch(() => {
      failures += 1;
      if (failures >= 3) {
        setText("board-offline", labels.offline);
        $("board-offline").hidden = false;
      }
    })
    .then(() => window.setTimeout(poll, config.poll_ms));
}

const soundButton = $("board-sound");
const soundOffLabel = soundButton.textContent;
soundButton.addEventListener("click", () => {
  soundOn = !soundOn;
  soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
  soundButton.textContent = soundOn ? labels.sound_on : soundOffLabel;
  if (soundOn && gong) {
    // A silent play inside the click unlocks audio for later, unprompted gongs.
    gong.muted = true;
    const unlocked = gong.play();
    const unmute = () => { gong.pause(); gong.currentTime = 0; gong.muted = false; };
    if (unlocked && unlocked.then) unlocked.then(unmute, unmute); else unmute();
  }
});

const full = $("board-fullscreen");
if (document.documentElement.requestFullscreen) {
  full.hidden = false;
  full.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen();
  });
}

fitNumbers();
fitTicker();
window.addEventListener("resize", () => { fitNumbers(); fitTicker(); });
sizeBars($("board-categories"));
sizeBars($("board-sectors"));
everySecond(tick);
window.setTimeout(poll, config.poll_ms);
