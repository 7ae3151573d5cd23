/* The session's countdown, written once: its text, a countdown ticking in elements marked
   data-seconds-left (the session page, the notary desk), and for the board the seconds left
   from the server's state, corrected by the server's clock. */

const two = (n) => String(n).padStart(2, "0");

/* SECONDS as m:ss ("90:00" for an hour and a half, as the pages print it), or as h:mm:ss from
   an hour up with HOURS (the board's). */
export function formatClock(seconds, { hours = false } = {}) {
  const s = seconds % 60;
  if (hours && seconds >= 3600) {
    return Math.floor(seconds / 3600) + ":" + two(Math.floor((seconds % 3600) / 60)) + ":" + two(s);
  }
  return Math.floor(seconds / 60) + ":" + two(s);
}

/* Call TICK now and then every second. */
export function everySecond(tick) {
  tick();
  return window.setInterval(tick, 1000);
}

/* Every element with data-seconds-left counts down from the seconds the server rendered, if
   its data-running is "1" (a session not yet started shows its length, standing still). */
export function startCountdowns(root = document) {
  const clocks = root.querySelectorAll("[data-seconds-left]");
  if (!clocks.length) return;
  const started = performance.now();
  everySecond(() => {
    const elapsed = Math.floor((performance.now() - started) / 1000);
    clocks.forEach((el) => {
      let left = parseInt(el.getAttribute("data-seconds-left"), 10) || 0;
      if (el.getAttribute("data-running") === "1") left = Math.max(0, left - elapsed);
      el.textContent = formatClock(left);
    });
  });
}

/* The server's time as this browser sees it: the offset between the clocks, from the time the
   page was rendered (SERVER_NOW, in ms) and then from each response's X-Server-Time header. */
export class ServerClock {
  constructor(serverNow) { this.offset = serverNow - Date.now(); }

  now() { return Date.now() + this.offset; }

  read(response) {
    const server = Number(response.headers.get("X-Server-Time"));
    if (server) this.offset = server - Date.now();
  }

  /* Seconds left in the session of the board's STATE: a scheduled one shows its length, an
     open one counts down to its end by the server's clock, any other shows 0. */
  secondsLeft(state) {
    if (state.state === "scheduled") return state.seconds_left;
    if (state.state !== "open" || !state.ends_at) return 0;
    return Math.max(0, Math.round((Date.parse(state.ends_at) - this.now()) / 1000));
  }
}
