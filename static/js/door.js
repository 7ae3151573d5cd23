/* The door and the session page: the live count of who is in, camera scanning of badges
   (BarcodeDetector, else the self-hosted jsQR), the countdown, the badges' print button.
   No inline script (CSP script-src 'self'): everything is wired from data- attributes. */
(function () {
  "use strict";

  var POLL_MS = 5000;
  var SCAN_MS = 250;
  var SAME_CODE_MS = 4000;

  function countdowns() {
    var started = Date.now();
    var clocks = document.querySelectorAll("[data-seconds-left]");
    if (!clocks.length) return;
    function show() {
      Array.prototype.forEach.call(clocks, function (el) {
        var left = parseInt(el.getAttribute("data-seconds-left"), 10) || 0;
        if (el.getAttribute("data-running") === "1") {
          left = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
        }
        var m = Math.floor(left / 60), s = left % 60;
        el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      });
    }
    show();
    window.setInterval(show, 1000);
  }

  function printButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function door(root) {
    var countEl = document.getElementById("presence-count");
    var expectedEl = document.getElementById("presence-expected");
    var presenceUrl = root.getAttribute("data-presence-url");
    var prefix = root.getAttribute("data-door-prefix");
    var csrf = root.getAttribute("data-csrf");
    var result = document.getElementById("scan-result");
    var video = document.getElementById("scan-video");
    var startButton = document.getElementById("scan-start");
    var stopButton = document.getElementById("scan-stop");
    var stream = null, timer = null, detector = null, canvas = null;
    var lastCode = "", lastAt = 0, busy = false;

    function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }

    function showCount(data) {
      if (typeof data.present === "number") countEl.textContent = data.present;
      if (typeof data.expected === "number") expectedEl.textContent = data.expected;
    }

    function poll() {
      if (document.hidden) return;
      fetch(presenceUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) showCount(data); })
        .catch(function () { /* offline: the next poll tries again */ });
    }
    window.setInterval(poll, POLL_MS);
    document.addEventListener("visibilitychange", poll);

    function say(text, kind) {
      result.textContent = text;
      result.className = "scan-result " + (kind || "");
    }

    /* The path of a badge of this event, from what a QR code holds (a full URL). */
    function badgePath(value) {
      var url;
      try { url = new URL(value, window.location.href); } catch (e) { return null; }
      var path = url.pathname;
      if (path.indexOf(prefix) !== 0) return null;
      var token = path.slice(prefix.length);
      return /^[A-Za-z0-9_-]{8,64}$/.test(token) ? prefix + token : null;
    }

    function checkIn(path) {
      busy = true;
      var body = new FormData();
      body.append("csrf_token", csrf);
      fetch(path, { method: "POST", body: body, credentials: "same-origin",
                    headers: { "Accept": "application/json", "X-CSRFToken": csrf } })
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (data) {
            if (r.ok) {
              say((data.already ? "↺ " : "✓ ") + data.message + " — " + data.organization,
                  data.already ? "again" : "ok");
              showCount(data);
            } else {
              say(data.message || msg("unknown"), "bad");
            }
          });
        })
        .catch(function () { say(msg("offline"), "bad"); lastCode = ""; })
        .then(function () { busy = false; });
    }

    function found(value) {
      var now = Date.now();
      if (busy || (value === lastCode && now - lastAt < SAME_CODE_MS)) return;
      lastCode = value; lastAt = now;
      var path = badgePath(value);
      if (!path) { say(msg("wrong-code"), "bad"); return; }
      checkIn(path);
    }

    function scanFrame() {
      if (!stream || video.readyState < 2) return;
      if (detector) {
        detector.detect(video).then(function (codes) {
          if (codes.length) found(codes[0].rawValue);
        }).catch(function () { /* a frame it could not read */ });
        return;
      }
      if (!window.jsQR) return;
      var width = Math.min(640, video.videoWidth), height = Math.round(video.videoHeight * width / video.videoWidth);
      if (!width || !height) return;
      canvas = canvas || document.createElement("canvas");
      canvas.width = width; canvas.height = height;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, width, height);
      var code = window.jsQR(ctx.getImageData(0, 0, width, height).data, width, height,
                             { inversionAttempts: "dontInvert" });
      if (code && code.data) found(code.data);
    }

    function loadDecoder() {
      if ("BarcodeDetector" in window) {
        return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
          if (formats.indexOf("qr_code") >= 0) {
            detector = new window.BarcodeDetector({ formats: ["qr_code"] });
            return;
          }
          return loadJsQR();
        }).catch(loadJsQR);
      }
      return loadJsQR();
    }

    function loadJsQR() {
      if (window.jsQR) return Promise.resolve();
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root.getAttribute("data-jsqr-url");
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }

    function start() {
      say(msg("looking"), "");
      loadDecoder().then(function () {
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        return video.play();
      }).then(function () {
        startButton.hidden = true;
        stopButton.hidden = false;
        timer = window.setInterval(scanFrame, SCAN_MS);
      }).catch(function () {
        stop();
        say(msg("no-camera"), "bad");
      });
    }

    function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
    }

    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      startButton.hidden = false;
      startButton.addEventListener("click", start);
      stopButton.addEventListener("click", function () { stop(); say("", ""); });
    } else {
      say(msg("no-camera"), "");
    }
  }

  countdowns();
  printButtons();
  var root = document.getElementById("door");
  if (root) door(root);
})();
