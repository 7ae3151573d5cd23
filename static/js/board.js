/* The live board: polls the board's JSON with If-None-Match (a 304 costs the server almost
   nothing), redraws what changed, ticks the countdown every second from the session's end
   time corrected by the server's clock, and sounds the gong when the session starts and ends
   (once the audience has clicked "Enable sound": browsers refuse to play audio before). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("board-config").textContent);
  var labels = config.labels;
  var lang = document.documentElement.lang || "pl";
  var numbers = new Intl.NumberFormat(lang);
  var board = config.board;
  var etag = config.etag;
  var offset = config.server_now - Date.now();  // server clock minus ours, in ms
  var soundOn = false;
  var endGongPlayed = board.state !== "scheduled" && board.state !== "open";
  var $ = function (id) { return document.getElementById(id); };
  var gong = $("board-gong");

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function formatClock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
  }

  function secondsLeft() {
    if (board.state === "scheduled") { return board.seconds_left; }
    if (board.state !== "open" || !board.ends_at) { return 0; }
    var left = Math.round((Date.parse(board.ends_at) - (Date.now() + offset)) / 1000);
    return Math.max(0, left);
  }

  function playGong() {
    if (!soundOn || !gong) { return; }
    try {
      gong.currentTime = 0;
      var played = gong.play();
      if (played && played.catch) { played.catch(function () {}); }
    } catch (e) { /* no audio on this device */ }
  }

  function tick() {
    var left = secondsLeft();
    var countdown = $("board-countdown");
    countdown.textContent = formatClock(left);
    countdown.classList.toggle("board-last-minute", board.state === "open" && left <= 60);
    if (board.state === "open" && left === 0 && !endGongPlayed) {
      endGongPlayed = true;  // the browser's clock says time is up: do not wait for a poll
      playGong();
    }
  }

  function setText(id, value) {
    var node = $(id);
    if (node && node.textContent !== String(value)) { node.textContent = value; }
  }

  function emptyRow(list) {
    var li = document.createElement("li");
    li.className = "board-empty";
    li.textContent = labels.no_deals;
    list.appendChild(li);
  }

  function drawBars(list, counts, names, classPrefix) {
    list.textContent = "";
    var codes = Object.keys(counts);
    var most = codes.reduce(function (m, c) { return Math.max(m, counts[c]); }, 0);
    if (!codes.length) { emptyRow(list); return; }
    codes.forEach(function (code) {
      var li = document.createElement("li");
      li.className = "board-bar-row" + (classPrefix ? " " + classPrefix + code : "");
      var label = document.createElement("span");
      label.className = "board-bar-label";
      label.textContent = names[code] || code;
      var bar = document.createElement("span");
      bar.className = "board-bar";
      bar.setAttribute("data-count", counts[code]);
      var count = document.createElement("span");
      count.className = "board-bar-count";
      count.textContent = numbers.format(counts[code]);
      li.appendChild(label); li.appendChild(bar); li.appendChild(count);
      list.appendChild(li);
    });
    sizeBars(list, most);
  }

  // Widths through the CSSOM (allowed by the CSP, unlike style attributes in the markup).
  function sizeBars(list, most) {
    if (most === undefined) {
      most = 0;
      list.querySelectorAll(".board-bar").forEach(function (bar) {
        most = Math.max(most, Number(bar.getAttribute("data-count")));
      });
    }
    list.querySelectorAll(".board-bar").forEach(function (bar) {
      var n = Number(bar.getAttribute("data-count"));
      bar.style.width = (most ? Math.max(2, Math.round(100 * n / most)) : 0) + "%";
    });
  }

  function drawLatest(deals) {
    var list = $("board-latest");
    list.textContent = "";
    if (!deals.length) { emptyRow(list); return; }
    deals.forEach(function (deal, index) {
      var li = document.createElement("li");
      if (index === 0) { li.className = "board-deal-new"; }
      [["board-deal-number", deal.number], ["board-deal-parties", deal.parties.join(" · ")],
       ["board-deal-what", deal.what.join("; ")]].forEach(function (part, i) {
        var span = document.createElement("span");
        span.className = part[0];
        span.textContent = part[1];
        if (i) { li.appendChild(document.createTextNode(" ")); }
        li.appendChild(span);
      });
      list.appendChild(li);
    });
  }

  function draw(next) {
    var before = board;
    board = next;
    setText("board-state", labels.states[next.state] || next.state);
    $("board-countdown").setAttribute("data-state", next.state);
    setText("board-deals", numbers.format(next.deals));
    setText("board-value", numbers.format(next.value));
    setText("board-present", numbers.format(next.present));
    setText("board-expected", numbers.format(next.expected));
    var note = $("board-announcement");
    note.textContent = next.announcement || "";
    note.hidden = !next.announcement;
    drawBars($("board-categories"), next.by_category, labels.categories, "");
    drawBars($("board-sectors"), next.by_sector, labels.sectors, "sector-");
    if (JSON.stringify(before.latest) !== JSON.stringify(next.latest)) { drawLatest(next.latest); }
    if (next.deals > before.deals) {
      var deals = $("board-deals");
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
  }

  function readClock(response) {
    var server = Number(response.headers.get("X-Server-Time"));
    if (server) { offset = server - Date.now(); }
  }

  var failures = 0;
  function poll() {
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = "\"" + etag + "\""; }
    fetch(config.url, { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        readClock(response);
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        var tag = response.headers.get("ETag");
        if (tag) { etag = tag.replace(/^W\//, "").replace(/"/g, ""); }
        return response.json();
      })
      .then(function (next) {
        failures = 0;
        $("board-offline").hidden = true;
        if (next) { draw(next); }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 3) {
          setText("board-offline", labels.offline);
          $("board-offline").hidden = false;
        }
      })
      .then(function () { window.setTimeout(poll, config.poll_ms); });
  }

  var soundButton = $("board-sound"), soundOffLabel = soundButton.textContent;
  soundButton.addEventListener("click", function () {
    soundOn = !soundOn;
    this.setAttribute("aria-pressed", soundOn ? "true" : "false");
    this.textContent = soundOn ? labels.sound_on : soundOffLabel;
    if (soundOn && gong) {
      // A silent play inside the click unlocks audio for later, unprompted gongs.
      gong.muted = true;
      var unlocked = gong.play();
      var unmute = function () { gong.pause(); gong.currentTime = 0; gong.muted = false; };
      if (unlocked && unlocked.then) { unlocked.then(unmute, unmute); } else { unmute(); }
    }
  });

  var full = $("board-fullscreen");
  if (document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else { document.documentElement.requestFullscreen(); }
    });
  }

  sizeBars($("board-categories"));
  sizeBars($("board-sectors"));
  tick();
  window.setInterval(tick, 1000);
  window.setTimeout(poll, config.poll_ms);
}());
