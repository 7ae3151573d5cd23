/* The notary desk: a deal is never lost and never made twice.

   - Each deal carries a client_key (crypto.randomUUID); the server makes one contract per key.
   - What is typed is saved in localStorage as it is typed and restored after a reload.
   - Ratify sends the form with fetch; if the connection is down the deal goes to an outbox in
     localStorage, resent when the browser is online again (and every few seconds), with a
     visible "waiting for connection (N)" badge.
   - Picking a listing fills the commitment; the value table suggests an estimated value.
   - Keyboard: Ctrl+Enter (or Cmd+Enter) ratifies from anywhere in the form.
   Without JavaScript the form still works as a plain POST. */
(function () {
  "use strict";

  var form = document.getElementById("desk-form");
  if (!form) return;

  var RESEND_MS = 10000;
  var eventId = form.getAttribute("data-event-id");
  var DRAFT = "gielda.desk.draft." + eventId;
  var OUTBOX = "gielda.desk.outbox." + eventId;
  var RETURNED = "gielda.desk.returned." + eventId;
  var listings = parse(form.getAttribute("data-listings"), []);
  var values = parse(form.getAttribute("data-values"), {});
  var maxRows = parseInt(form.getAttribute("data-max-rows"), 10) || 30;
  var maxParties = parseInt(form.getAttribute("data-max-parties"), 10) || 8;
  var rowsBox = document.getElementById("desk-rows");
  var slotsBox = document.getElementById("party-slots");
  var button = document.getElementById("ratify");
  var statusBox = document.getElementById("desk-status");
  var outboxBadge = document.getElementById("desk-outbox");
  var outboxCount = document.getElementById("desk-outbox-count");
  var sending = false, flushing = false, saveTimer = null;
  var byId = {};
  listings.forEach(function (x) { byId[x.id] = x; });

  function parse(text, fallback) {
    try { return JSON.parse(text || ""); } catch (e) { return fallback; }
  }
  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }

  /* ------------------------------------------------------------------ storage */
  function load(key, fallback) {
    try { return parse(window.localStorage.getItem(key), fallback); } catch (e) { return fallback; }
  }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the form itself still holds the deal */ }
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function field(name) { return form.elements.namedItem(name); }

  /* The form's fields as [name, value] pairs (what FormData would send). */
  function fields(withCsrf) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || (el.name === "csrf_token" && !withCsrf)) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      out.push([el.name, el.value]);
    });
    return out;
  }

  function isEmpty() {
    return !fields(false).some(function (pair) {
      return /^(parties|representatives-\d+-representative|commitments-\d+-(what|quantity|pick))$/.test(pair[0]) && pair[1];
    });
  }

  function saveDraft() {
    window.clearTimeout(saveTimer);
    saveTimer = null;
    store(DRAFT, isEmpty() ? null : { fields: fields(false), rows: rowCount(), parties: partyCount() });
  }
  function saveSoon() {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 250);
  }

  /* Put PAIRS back into the form, growing rows and party slots to fit. */
  function fill(pairs) {
    var parties = 0, rows = 0;
    pairs.forEach(function (p) {
      if (p[0] === "parties") parties += 1;
      var m = /^commitments-(\d+)-/.exec(p[0]);
      if (m) rows = Math.max(rows, parseInt(m[1], 10) + 1);
    });
    while (partyCount() < Math.min(parties, maxParties)) addParty();
    while (rowCount() < Math.min(rows, maxRows)) addRow();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "checkbox") el.checked = false;
    });
    var partyInputs = form.querySelectorAll("input[name=parties]");
    var partyIndex = 0;
    pairs.forEach(function (p) {
      if (p[0] === "csrf_token") return;
      if (p[0] === "parties") {
        if (partyInputs[partyIndex]) partyInputs[partyIndex].value = p[1];
        partyIndex += 1;
        return;
      }
      var el = field(p[0]);
      if (!el) return;
      if (el.type === "checkbox") el.checked = true;
      else el.value = p[1];
    });
    refreshPartyLabels();
    Array.prototype.forEach.call(rowsBox.querySelectorAll(".commitment"), suggest);
  }

  /* ------------------------------------------------------------------ rows and parties */
  function rowCount() { return rowsBox.querySelectorAll(".commitment").length; }
  function partyCount() { return slotsBox.querySelectorAll(".party-slot").length; }

  function renumber(el, from, to) {
    ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
      Array.prototype.forEach.call(el.querySelectorAll("[" + attr + "]"), function (node) {
        node.setAttribute(attr, node.getAttribute(attr).split(from).join(to));
      });
    });
  }

  function clearErrors(el) {
    Array.prototype.forEach.call(el.querySelectorAll(".field-error"), function (p) { p.textContent = ""; p.hidden = true; });
    Array.prototype.forEach.call(el.querySelectorAll(".has-error"), function (f) { f.classList.remove("has-error"); });
    Array.prototype.forEach.call(el.querySelectorAll("[aria-invalid]"), function (f) { f.removeAttribute("aria-invalid"); });
  }

  function addRow() {
    var rows = rowsBox.querySelectorAll(".commitment");
    if (rows.length >= maxRows) return null;
    var last = rows[rows.length - 1], n = rows.length;
    var copy = last.cloneNode(true);
    renumber(copy, "commitments-" + (n - 1) + "-", "commitments-" + n + "-");
    copy.setAttribute("data-row", n);
    copy.querySelector(".row-number").textContent = n + 1;
    clearErrors(copy);
    Array.prototype.forEach.call(copy.querySelectorAll("input, select"), function (el) {
      if (/-(due_on|giver_id|receiver_id)$/.test(el.name)) return;
      el.value = "";
      if (el.name && /-estimated_value$/.test(el.name)) el.placeholder = "";
    });
    rowsBox.appendChild(copy);
    return copy;
  }

  function addParty() {
    var slots = slotsBox.querySelectorAll(".party-slot");
    if (slots.length >= maxParties) return null;
    var last = slots[slots.length - 1], n = slots.length;
    var copy = last.cloneNode(true);
    renumber(copy, "parties-" + (n - 1), "parties-" + n);
    renumber(copy, "representatives-" + (n - 1) + "-", "representatives-" + n + "-");
    copy.setAttribute("data-slot", n);
    clearErrors(copy);
    var label = copy.querySelector("label[for=parties-" + n + "]");
    if (label) label.textContent = msg("party") + " " + (n + 1);
    Array.prototype.forEach.call(copy.querySelectorAll("input"), function (el) {
      el.value = "";
      el.removeAttribute("autofocus");
    });
    slotsBox.appendChild(copy);
    Array.prototype.forEach.call(form.querySelectorAll(".party-select select"), function (select) {
      var option = document.createElement("option");
      option.value = "@" + n;
      select.appendChild(option);
    });
    refreshPartyLabels();
    return copy;
  }

  function partyNames() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=parties]"), function (el) {
      return el.value.trim();
    });
  }

  function refreshPartyLabels() {
    var names = partyNames();
    Array.prototype.forEach.call(form.querySelectorAll(".party-select select"), function (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        var m = /^@(\d+)$/.exec(option.value);
        if (!m) return;
        var i = parseInt(m[1], 10);
        option.textContent = (i + 1) + (names[i] ? " · " + names[i] : "");
      });
    });
  }

  /* Lower case without diacritics ("Szkoła" → "szkola"), as the server compares names. */
  function folded(text) {
    return text.toLowerCase().replace(/ł/g, "l").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }

  /* A few letters typed for a party become the one organization they name, if only one. */
  function completeParty(input) {
    var typed = folded(input.value);
    if (!typed) return;
    var names = Array.prototype.map.call(
      document.querySelectorAll("#desk-orgs option"), function (o) { return o.value; });
    var exact = names.filter(function (n) { return folded(n) === typed; });
    var found = exact.length ? exact : names.filter(function (n) { return folded(n).indexOf(typed) >= 0; });
    if (found.length === 1 && input.value !== found[0]) input.value = found[0];
  }

  /* The party slot holding organization NAME, adding it to an empty slot if needed. */
  function slotOf(name) {
    var inputs = form.querySelectorAll("input[name=parties]");
    var i, empty = -1;
    for (i = 0; i < inputs.length; i += 1) {
      if (inputs[i].value.trim() === name) return i;
      if (empty < 0 && !inputs[i].value.trim()) empty = i;
    }
    if (empty < 0) {
      if (!addParty()) return -1;
      inputs = form.querySelectorAll("input[name=parties]");
      empty = inputs.length - 1;
    }
    inputs[empty].value = name;
    refreshPartyLabels();
    return empty;
  }

  function rowField(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  /* A listing picked for ROW: fill what it says, and who gives or receives. */
  function picked(row) {
    var pick = rowField(row, "pick");
    var m = /^#(\d+)\b/.exec(pick.value);
    var listing = m ? byId[m[1]] : null;
    if (!listing) {
      if (!pick.value) { rowField(row, "listing_id").value = ""; rowField(row, "need_id").value = ""; }
      return;
    }
    var offer = listing.kind === "offer";
    rowField(row, offer ? "listing_id" : "need_id").value = listing.id;
    var what = rowField(row, "what");
    if (!what.value || what.getAttribute("data-filled") === what.value) {
      what.value = listing.title;
      what.setAttribute("data-filled", listing.title);
    }
    rowField(row, "unit").value = listing.unit;
    rowField(row, "category").value = listing.category;
    rowField(row, "quantity").placeholder = "≤ " + listing.remaining;
    var slot = slotOf(listing.org);
    if (slot >= 0) {
      var mine = rowField(row, offer ? "giver_id" : "receiver_id");
      var other = rowField(row, offer ? "receiver_id" : "giver_id");
      mine.value = "@" + slot;
      if (other.value === mine.value || !other.value) {
        var count = partyCount();
        for (var i = 0; i < count; i += 1) {
          if (i !== slot) { other.value = "@" + i; break; }
        }
      }
    }
    suggest(row);
  }

  /* The value table's suggestion for ROW, shown in the estimated value's placeholder. */
  function suggest(row) {
    var input = rowField(row, "estimated_value");
    var hint = row.querySelector("[id$='-estimated_value-hint']");
    var per = values[rowField(row, "category").value + ":" + rowField(row, "unit").value];
    var quantity = parseInt(rowField(row, "quantity").value, 10);
    var text = per !== undefined && quantity > 0 ? String(per * quantity) : "";
    input.placeholder = text;
    if (hint) {
      var span = hint.querySelector(".suggestion");
      if (!span) {
        span = document.createElement("strong");
        span.className = "suggestion";
        hint.insertBefore(span, hint.firstChild);
      }
      span.textContent = text ? msg("suggested") + " " + text + " zł. " : "";
    }
  }

  /* ------------------------------------------------------------------ errors and notices */
  function showErrors(errors) {
    clearErrors(form);
    var general = [], first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var text = errors[name].join(" ");
      var target = name === "_" ? null : document.getElementById(name + "-error");
      if (!target) { general.push(text); return; }
      target.textContent = text;
      target.hidden = false;
      var input = document.getElementById(name);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (input.parentNode.classList.contains("field")) input.parentNode.classList.add("has-error");
        first = first || input;
      } else {
        first = first || target;
      }
    });
    var box = document.getElementById("desk-errors");
    document.getElementById("_-error").textContent = general.join(" ");
    box.hidden = false;
    if (first && first.focus) first.focus();
  }

  function notice(text, link, linkText, kind) {
    var p = document.createElement("p");
    if (kind) p.className = kind;
    p.textContent = text + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = linkText;
      p.appendChild(a);
    }
    statusBox.appendChild(p);
  }

  /* Deals refused after waiting in the outbox: one button puts the oldest back in the form. */
  function showReturned() {
    var old = document.getElementById("desk-returned");
    if (old) old.parentNode.removeChild(old);
    var items = load(RETURNED, []);
    if (!items.length) return;
    var p = document.createElement("p");
    p.id = "desk-returned";
    p.textContent = msg("returned") + " (" + items.length + ") ";
    var open = document.createElement("button");
    open.type = "button";
    open.className = "button small";
    open.textContent = msg("open-returned");
    open.addEventListener("click", function () {
      if (!isEmpty() && !window.confirm(msg("replace"))) return;
      var list = load(RETURNED, []);
      var item = list.shift();
      store(RETURNED, list);
      reset();
      fill(item.fields);
      saveDraft();
      showErrors(item.errors);
      showReturned();
    });
    p.appendChild(open);
    statusBox.appendChild(p);
  }

  function showOutbox() {
    var n = load(OUTBOX, []).length;
    outboxCount.textContent = n;
    outboxBadge.hidden = n === 0;
    if (n === 0) {
      Array.prototype.forEach.call(statusBox.querySelectorAll(".waiting"), function (p) {
        p.parentNode.removeChild(p);
      });
    }
  }

  /* ------------------------------------------------------------------ sending */
  function post(pairs) {
    var body = new FormData();
    var csrf = field("csrf_token").value;
    pairs.forEach(function (p) { if (p[0] !== "csrf_token") body.append(p[0], p[1]); });
    body.append("csrf_token", csrf);
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    });
  }

  /* A blank form for the next deal, with a new key. */
  function reset() {
    while (rowCount() > 2) rowsBox.removeChild(rowsBox.lastElementChild);
    while (partyCount() > 2) slotsBox.removeChild(slotsBox.lastElementChild);
    Array.prototype.forEach.call(form.querySelectorAll(".party-select select option"), function (o) {
      var m = /^@(\d+)$/.exec(o.value);
      if (m && parseInt(m[1], 10) >= 2) o.parentNode.removeChild(o);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "opened_at") return;
      if (el.type === "checkbox") el.checked = false;
      else if (/-(due_on)$/.test(el.name)) return;
      else if (/-giver_id$/.test(el.name)) el.value = /^commitments-1-/.test(el.name) ? "@1" : "@0";
      else if (/-receiver_id$/.test(el.name)) el.value = /^commitments-1-/.test(el.name) ? "@0" : "@1";
      else el.value = "";
    });
    clearErrors(form);
    document.getElementById("desk-errors").hidden = true;
    Array.prototype.forEach.call(form.querySelectorAll("[data-filled]"), function (el) {
      el.removeAttribute("data-filled");
    });
    field("client_key").value = uuid();
    refreshPartyLabels();
    Array.prototype.forEach.call(rowsBox.querySelectorAll(".commitment"), suggest);
    store(DRAFT, null);
    var first = document.getElementById("parties-0");
    if (first) first.focus();
  }

  function toOutbox(pairs) {
    var box = load(OUTBOX, []);
    var key = (pairs.filter(function (p) { return p[0] === "client_key"; })[0] || [])[1];
    if (!box.some(function (item) { return item.key === key; })) {
      box.push({ key: key, fields: pairs, at: Date.now() });
    }
    store(OUTBOX, box);
    showOutbox();
    if (!statusBox.querySelector(".waiting")) notice(msg("waiting"), null, null, "waiting");
    reset();
  }

  function submit(event) {
    if (event) event.preventDefault();
    if (sending) return;
    if (!field("client_key").value) field("client_key").value = uuid();
    saveDraft();
    var pairs = fields(true);
    sending = true;
    button.disabled = true;
    var label = button.textContent;
    button.textContent = msg("sending");
    function done() { sending = false; button.disabled = false; button.textContent = label; }
    post(pairs).then(function (r) {
      if (r.status >= 500) { done(); toOutbox(pairs); return; }
      return r.json().catch(function () { return null; }).then(function (data) {
        done();
        if (r.ok && data && data.ok) {
          store(DRAFT, null);
          window.location.assign(data.print_url);
        } else if (r.status === 422 && data) {
          showErrors(data.errors);
        } else {
          notice((data && data.message) || msg("refused"));
        }
      });
    }).catch(function () {
      done();
      toOutbox(pairs);
    });
  }

  /* Send what waits in the outbox, oldest first; stop at the first failure to connect. */
  function flush() {
    var box = load(OUTBOX, []);
    if (flushing || !box.length || navigator.onLine === false) return;
    flushing = true;
    var item = box[0];
    post(item.fields).then(function (r) {
      if (r.status >= 500) throw new Error("server");
      return r.json().catch(function () { return null; }).then(function (data) {
        var rest = load(OUTBOX, []).filter(function (x) { return x.key !== item.key; });
        if (r.ok && data && data.ok) {
          store(OUTBOX, rest);
          notice(msg("sent") + " " + data.number, data.print_url, msg("print"));
        } else if (r.status === 422) {
          store(OUTBOX, rest);
          var returned = load(RETURNED, []);
          returned.push({ key: item.key, fields: item.fields, errors: data ? data.errors : {} });
          store(RETURNED, returned);
          showReturned();
        } else {
          throw new Error("refused");  /* signed out, or the page's token expired: keep it */
        }
        flushing = false;
        showOutbox();
        flush();
      });
    }).catch(function () {
      flushing = false;
      showOutbox();
    });
  }

  /* ------------------------------------------------------------------ wiring */
  form.addEventListener("submit", submit);
  form.addEventListener("input", function (event) {
    if (event.target.name === "parties") refreshPartyLabels();
    saveSoon();
  });
  form.addEventListener("change", function (event) {
    var row = event.target.closest(".commitment");
    if (row && /-pick$/.test(event.target.name)) picked(row);
    else if (row && /-(quantity|unit|category)$/.test(event.target.name)) suggest(row);
    if (event.target.name === "parties") { completeParty(event.target); refreshPartyLabels(); }
    saveSoon();
  });
  form.addEventListener("input", function (event) {
    var row = event.target.closest(".commitment");
    if (row && /-quantity$/.test(event.target.name)) suggest(row);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit(event);
  });

  var addRowButton = document.getElementById("add-row");
  addRowButton.hidden = false;
  addRowButton.addEventListener("click", function () {
    var row = addRow();
    if (row) rowField(row, "pick").focus();
    saveSoon();
  });
  var addPartyButton = document.getElementById("add-party");
  addPartyButton.hidden = false;
  addPartyButton.addEventListener("click", function () {
    var slot = addParty();
    if (slot) slot.querySelector("input[name=parties]").focus();
    saveSoon();
  });
  var newButton = document.getElementById("desk-new");
  newButton.hidden = false;
  newButton.addEventListener("click", function () {
    if (isEmpty() || window.confirm(msg("replace"))) reset();
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-open-deal]"), function (link) {
    link.addEventListener("click", function (event) {
      if (!isEmpty() && form.getAttribute("data-fresh") === "1" && !window.confirm(msg("replace"))) {
        event.preventDefault();
      }
    });
  });
  window.addEventListener("beforeunload", function () { if (saveTimer) saveDraft(); });
  window.addEventListener("online", flush);
  window.setInterval(flush, RESEND_MS);

  if (!field("client_key").value) field("client_key").value = uuid();
  var draft = load(DRAFT, null);
  if (form.getAttribute("data-fresh") === "1" && draft && draft.fields && draft.fields.length) {
    fill(draft.fields);
    notice(msg("restored"));
  } else {
    saveDraft();
  }
  refreshPartyLabels();
  Array.prototype.forEach.call(rowsBox.querySelectorAll(".commitment"), suggest);
  showOutbox();
  showReturned();
  flush();
})();
