/* The door: the live count of who is in, and camera scanning of badges (BarcodeDetector, else
   the self-hosted jsQR, loaded as a classic script only when needed and used through its
   global). Without JavaScript the door still checks people in by searching their names. */
import { $, csrfToken, messages, postForm } from "./page.js";

const POLL_MS = 5000;
const SCAN_MS = 250;
const SAME_CODE_MS = 4000;

const root = $("door");
const msg = messages(root);
const countEl = $("presence-count");
const expectedEl = $("presence-expected");
const presenceUrl = root.getAttribute("data-presence-url");
const prefix = root.getAttribute("data-door-prefix");
const csrf = csrfToken(root);
const result = $("scan-result");
const video = $("scan-video");
const startButton = $("scan-start");
const stopButton = $("scan-stop");
let stream = null, timer = null, detector = null, canvas = null;
let lastCode = "", lastAt = 0, busy = false;

function showCount(data) {
  if (typeof data.present === "number") countEl.textContent = data.present;
  if (typeof data.expected === "number") expectedEl.textContent = data.expected;
}

function poll() {
  if (document.hidden) return;
  fetch(presenceUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((data) => { if (data) showCount(data); })
    .catch(() => { /* offline: the next poll tries again */ });
}

function say(text, kind) {
  result.textContent = text;
  result.className = "scan-result " + (kind || "");
}

/* The path of a badge of this event, from what a QR code holds (a full URL). */
function badgePath(value) {
  let url;
  try { url = new URL(value, window.location.href); } catch (e) { return null; }
  const path = url.pathname;
  if (!path.startsWith(prefix)) return null;
  const token = path.slice(prefix.length);
  return /^[A-Za-z0-9_-]{8,64}$/.test(token) ? prefix + token : null;
}

function checkIn(path) {
  busy = true;
  postForm(path, new FormData(), csrf)
    .then((r) => r.json().catch(() => ({})).then((data) => {
      if (r.ok) {
        say((data.already ? "↺ " : "✓ ") + data.message + " — " + data.organization,
            data.already ? "again" : "ok");
        showCount(data);
      } else {
        say(data.message || msg("unknown"), "bad");
      }
    }))
    .catch(() => { say(msg("offline"), "bad"); lastCode = ""; })
    .then(() => { busy = false; });
}

function found(value) {
  const now = Date.now();
  if (busy || (value === lastCode && now - lastAt < SAME_CODE_MS)) return;
  lastCode = value; lastAt = now;
  const path = badgePath(value);
  if (!path) { say(msg("wrong-code"), "bad"); return; }
  checkIn(path);
}

function scanFrame() {
  if (!stream || video.readyState < 2) return;
  if (detector) {
    detector.detect(video).then((codes) => {
      if (codes.length) found(codes[0].rawValue);
    }).catch(() => { /* a frame it could not read */ });
    return;
  }
  if (!window.jsQR) return;
  const width = Math.min(640, video.videoWidth);
  const height = Math.round(video.videoHeight * width / video.videoWidth);
  if (!width || !height) return;
  canvas = canvas || document.createElement("canvas");
  canvas.width = width; canvas.height = height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, width, height);
  const code = window.jsQR(ctx.getImageData(0, 0, width, height).data, width, height,
                           { inversionAttempts: "dontInvert" });
  if (code && code.data) found(code.data);
}

function loadDecoder() {
  if ("BarcodeDetector" in window) {
    return window.BarcodeDetector.getSupportedFormats().then((formats) => {
      if (formats.includes("qr_code")) {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return undefined;
      }
      return loadJsQR();
    }).catch(loadJsQR);
  }
  return loadJsQR();
}

/* jsQR (250 kB) only for browsers without a QR BarcodeDetector: a classic script that
   defines window.jsQR. */
function loadJsQR() {
  if (window.jsQR) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = root.getAttribute("data-jsqr-url");
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}

function start() {
  say(msg("looking"), "");
  loadDecoder()
    .then(() => navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }))
    .then((s) => {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      return video.play();
    })
    .then(() => {
      startButton.hidden = true;
      stopButton.hidden = false;
      timer = window.setInterval(scanFrame, SCAN_MS);
    })
    .catch(() => {
      stop();
      say(msg("no-camera"), "bad");
    });
}

function stop() {
  if (timer) window.clearInterval(timer);
  timer = null;
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = null;
  video.hidden = true;
  stopButton.hidden = true;
  startButton.hidden = false;
}

window.setInterval(poll, POLL_MS);
document.addEventListener("visibilitychange", poll);
if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  startButton.hidden = false;
  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", () => { stop(); say("", ""); });
} else {
  say(msg("no-camera"), "");
}
