/* The notary desk: a deal is never lost and never made twice.

   - Each deal carries a client_key (crypto.randomUUID); the server makes one contract per key.
   - What is typed is saved in localStorage as it is typed and restored after a reload.
   - Ratify sends the form with fetch; if the connection is down the deal goes to an outbox in
     localStorage, resent when the browser is online again (and every few seconds), with a
     visible "waiting for connection (N)" badge.
   - Picking a listing fills the commitment; the value table suggests an estimated value.
   - Keyboard: parties, their representatives (the party's people checked in at the door) and
     listings (by words of the title, the organization or its number, the parties' own first)
     are picked from lists as they are typed: Enter or Tab takes the highlighted one. Enter never
     submits: it moves on to the next thing to fill (after a listing, its quantity; after the last
     quantity, the no-money check). Ctrl+Enter (or Cmd+Enter) ratifies from anywhere in the form.
   - A party's few letters that name more than one organization show the choices at once.
   - The session's clock beside the desk's title counts down.
   Without JavaScript the form still works as a plain POST. */
import { startCountdowns } from "./clock.js";
import { combobox, folded, hasWords } from "./combobox.js";
import { $, csrfToken, messages, parseJSON, postForm } from "./page.js";

const RESEND_MS = 10000;
const QUEUE_MS = 2500;  /* new phone deals show at the desk within 3 seconds */

startCountdowns();
const form = $("desk-form");
if (form) desk(form);

function desk(form) {
  const eventId = form.getAttribute("data-event-id");
  const DRAFT = "gielda.desk.draft." + eventId;
  const OUTBOX = "gielda.desk.outbox." + eventId;
  const RETURNED = "gielda.desk.returned." + eventId;
  const msg = messages(form);
  const listings = parseJSON(form.getAttribute("data-listings"), []);
  const values = parseJSON(form.getAttribute("data-values"), {});
  const people = parseJSON(form.getAttribute("data-people"), {});
  const orgs = Array.from(document.querySelectorAll("#desk-orgs option"),
                          (o) => ({ value: o.value, label: o.value, detail: o.textContent }));
  // The core's limits (contracts.MAX_COMMITMENTS, MAX_PARTIES), as the page was given them.
  const maxRows = parseInt(form.getAttribute("data-max-rows"), 10);
  const maxParties = parseInt(form.getAttribute("data-max-parties"), 10);
  const rowsBox = $("desk-rows");
  const slotsBox = $("party-slots");
  const button = $("ratify");
  const statusBox = $("desk-status");
  const outboxBadge = $("desk-outbox");
  const outboxCount = $("desk-outbox-count");
  let sending = false, flushing = false, saveTimer = null;
  const byId = {};
  listings.forEach((x) => { byId[x.id] = x; });

  /* ------------------------------------------------------------------ storage */
  function load(key, fallback) {
    try { return parseJSON(window.localStorage.getItem(key), fallback); } catch (e) { return fallback; }
  }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the form itself still holds the deal */ }
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    return Array.from(b, (x) => (x + 256).toString(16).slice(1)).join("");
  }

  function field(name) { return form.elements.namedItem(name); }
  const controls = () => Array.from(form.elements);

  /* The form's fields as [name, value] pairs (what FormData would send). */
  function fields(withCsrf) {
    const out = [];
    controls().forEach((el) => {
      if (!el.name || el.disabled || (el.name === "csrf_token" && !withCsrf)) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      out.push([el.name, el.value]);
    });
    return out;
  }

  function isEmpty() {
    return !fields(false).some(([name, value]) =>
      /^(parties|representatives-\d+-representative|commitments-\d+-(what|quantity|pick))$/.test(name) && value);
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
    let parties = 0, rows = 0;
    pairs.forEach(([name]) => {
      if (name === "parties") parties += 1;
      const m = /^commitments-(\d+)-/.exec(name);
      if (m) rows = Math.max(rows, parseInt(m[1], 10) + 1);
    });
    while (partyCount() < Math.min(parties, maxParties)) addParty();
    while (rowCount() < Math.min(rows, maxRows)) addRow();
    controls().forEach((el) => { if (el.type === "checkbox") el.checked = false; });
    const partyInputs = form.querySelectorAll("input[name=parties]");
    let partyIndex = 0;
    pairs.forEach(([name, value]) => {
      if (name === "csrf_token") return;
      if (name === "parties") {
        if (partyInputs[partyIndex]) partyInputs[partyIndex].value = value;
        partyIndex += 1;
        return;
      }
      const el = field(name);
      if (!el) return;
      if (el.type === "checkbox") el.checked = true;
      else el.value = value;
    });
    refreshPartyLabels();
    rowsBox.querySelectorAll(".commitment").forEach(suggest);
  }

  /* ------------------------------------------------------------------ rows and parties */
  function rowCount() { return rowsBox.querySelectorAll(".commitment").length; }
  function partyCount() { return slotsBox.querySelectorAll(".party-slot").length; }

  function renumber(el, from, to) {
    ["name", "id", "for", "aria-describedby"].forEach((attr) => {
      el.querySelectorAll("[" + attr + "]").forEach((node) => {
        node.setAttribute(attr, node.getAttribute(attr).split(from).join(to));
      });
    });
  }

  function clearErrors(el) {
    el.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; p.hidden = true; });
    el.querySelectorAll(".has-error").forEach((f) => f.classList.remove("has-error"));
    el.querySelectorAll("[aria-invalid]").forEach((f) => f.removeAttribute("aria-invalid"));
  }

  function addRow() {
    const rows = rowsBox.querySelectorAll(".commitment");
    if (rows.length >= maxRows) return null;
    const last = rows[rows.length - 1], n = rows.length;
    const copy = last.cloneNode(true);
    copy.querySelectorAll(".combobox-list").forEach((el) => el.remove());
    copy.querySelectorAll("[data-money-note]").forEach((el) => { el.textContent = ""; el.hidden = true; });
    renumber(copy, "commitments-" + (n - 1) + "-", "commitments-" + n + "-");
    copy.setAttribute("data-row", n);
    copy.querySelector(".row-number").textContent = n + 1;
    clearErrors(copy);
    copy.querySelectorAll("input, select").forEach((el) => {
      if (/-(due_on|giver_id|receiver_id)$/.test(el.name)) return;
      el.value = "";
      if (el.name && /-estimated_value$/.test(el.name)) el.placeholder = "";
    });
    rowsBox.appendChild(copy);
    wireRow(copy);
    return copy;
  }

  function addParty() {
    const slots = slotsBox.querySelectorAll(".party-slot");
    if (slots.length >= maxParties) return null;
    const last = slots[slots.length - 1], n = slots.length;
    const copy = last.cloneNode(true);
    copy.querySelectorAll(".combobox-list").forEach((el) => el.remove());
    copy.querySelectorAll(".party-choices").forEach((el) => el.remove());
    renumber(copy, "parties-" + (n - 1), "parties-" + n);
    renumber(copy, "representatives-" + (n - 1) + "-", "representatives-" + n + "-");
    copy.setAttribute("data-slot", n);
    clearErrors(copy);
    const label = copy.querySelector("label[for=parties-" + n + "]");
    if (label) label.textContent = msg("party") + " " + (n + 1);
    copy.querySelectorAll("input").forEach((el) => {
      el.value = "";
      el.removeAttribute("autofocus");
    });
    slotsBox.appendChild(copy);
    wireSlot(copy);
    form.querySelectorAll(".party-select select").forEach((select) => {
      const option = document.createElement("option");
      option.value = "@" + n;
      select.appendChild(option);
    });
    refreshPartyLabels();
    return copy;
  }

  function partyNames() {
    return Array.from(form.querySelectorAll("input[name=parties]"), (el) => el.value.trim());
  }

  function refreshPartyLabels() {
    const names = partyNames();
    form.querySelectorAll(".party-select select").forEach((select) => {
      Array.from(select.options).forEach((option) => {
        const m = /^@(\d+)$/.exec(option.value);
        if (!m) return;
        const i = parseInt(m[1], 10);
        option.textContent = (i + 1) + (names[i] ? " · " + names[i] : "");
      });
    });
  }

  /* The organizations a party's text names, as the server reads it: the one whose name it is,
     else those whose name holds it. */
  function named(text) {
    const typed = folded(text);
    if (!typed) return [];
    const exact = orgs.filter((o) => folded(o.value) === typed);
    return exact.length ? exact : orgs.filter((o) => folded(o.value).includes(typed));
  }

  /* A few letters typed for a party become the one organization they name; naming more than
     one, they show the choices at once, each a button. */
  function completeParty(input) {
    const box = input.closest(".party-slot");
    const old = box.querySelector(".party-choices");
    if (old) old.remove();
    const found = named(input.value);
    if (found.length === 1) {
      if (input.value !== found[0].value) input.value = found[0].value;
      fillRepresentative(box);
      return;
    }
    if (found.length < 2) return;
    const choices = document.createElement("div");
    choices.className = "party-choices";
    choices.setAttribute("role", "group");
    choices.id = input.id + "-choices";
    const p = document.createElement("p");
    p.textContent = msg("ambiguous").replace("%(text)s", input.value.trim());
    choices.appendChild(p);
    found.slice(0, 8).forEach((o) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button secondary small";
      b.textContent = o.value;
      b.addEventListener("click", () => {
        input.value = o.value;
        choices.remove();
        input.removeAttribute("aria-invalid");
        refreshPartyLabels();
        fillRepresentative(box);
        saveSoon();
        box.querySelector("input[name$='-representative']").focus();
      });
      choices.appendChild(b);
    });
    input.insertAdjacentElement("afterend", choices);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", choices.id);
  }

  /* The party's only person checked in at the door represents it, unless someone was typed. */
  function fillRepresentative(box) {
    const party = box.querySelector("input[name=parties]").value.trim();
    const rep = box.querySelector("input[name$='-representative']");
    const here = people[party] || [];
    if (here.length === 1 && !rep.value.trim()) rep.value = here[0];
  }

  /* After a party's representative: the next party, or the first commitment's listing. */
  function afterRepresentative(box) {
    const next = box.nextElementSibling;
    const target = next ? next.querySelector("input[name=parties]")
      : rowField(rowsBox.querySelector(".commitment"), "pick");
    if (target) target.focus();
  }

  function wireSlot(box) {
    const party = box.querySelector("input[name=parties]");
    const rep = box.querySelector("input[name$='-representative']");
    combobox(party, {
      choices: (text) => {
        const typed = folded(text);
        if (!typed) return [];
        const exact = orgs.filter((o) => folded(o.value) === typed);
        const rest = orgs.filter((o) => !exact.includes(o) && hasWords(folded(o.value + " " + o.detail), typed));
        return exact.concat(rest).slice(0, 12);
      },
      onPick: (choice, key) => {
        const old = box.querySelector(".party-choices");
        if (old) old.remove();
        party.removeAttribute("aria-invalid");
        refreshPartyLabels();
        fillRepresentative(box);
        if (key === "Enter") { rep.focus(); rep.select(); return true; }
        return false;
      }
    });
    combobox(rep, {
      openOnFocus: true,
      choices: (text) => {
        const here = people[party.value.trim()] || [];
        const typed = folded(text);
        return here.filter((name) => !typed || hasWords(folded(name), typed) || folded(name) === typed)
          .map((name) => ({ value: name, label: name }));
      },
      onPick: (choice, key) => {
        if (key === "Enter") { afterRepresentative(box); return true; }
        return false;
      }
    });
  }

  /* A listing's choices for TEXT: every word in its number, title or organization; the
     parties' own listings first, then a number typed exactly. */
  function listingChoices(text) {
    const typed = folded(text);
    if (!typed) return [];
    const parties = partyNames().filter(Boolean);
    const found = listings.filter((x) => hasWords(folded(x.label), typed));
    const rank = (x) => (folded(x.label).startsWith(typed + " ") ? 0 : 2) + (parties.includes(x.org) ? 0 : 1);
    return found.map((x, i) => [rank(x), i, x]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .slice(0, 10).map(([, , x]) => ({ value: x.label, label: x.label, detail: "" }));
  }

  function wireRow(row) {
    const pick = rowField(row, "pick");
    if (!pick) return;
    combobox(pick, {
      choices: listingChoices,
      onPick: () => {
        picked(row);
        saveSoon();
        const quantity = rowField(row, "quantity");
        quantity.focus();
        quantity.select();
        return true;
      }
    });
  }

  /* Where Enter in field EL moves the focus: on to what is left to fill, never submitting. */
  function enterFrom(el) {
    const box = el.closest(".party-slot");
    if (box && /-representative$/.test(el.name)) { afterRepresentative(box); return; }
    if (box && el.name === "parties") {
      completeParty(el);
      box.querySelector("input[name$='-representative']").focus();
      return;
    }
    const row = el.closest(".commitment");
    /* After a quantity (or an empty "from a listing": nothing more in this row), the next
       commitment, or the no-money check after the last. */
    if (row && (/-(quantity|estimated_value)$/.test(el.name) || (/-pick$/.test(el.name) && !el.value.trim()))) {
      const next = row.nextElementSibling;
      const target = next ? rowField(next, "pick") : field("no_money");
      if (target) target.focus();
      return;
    }
    if (el.name === "no_money") return;  /* the last stop: Ctrl+Enter ratifies */
    const order = controls().filter((c) => c.type !== "hidden" && !c.disabled && !c.hidden &&
                                           c.offsetParent !== null);
    const next = order[order.indexOf(el) + 1];
    if (next) next.focus();
  }

  /* The party slot holding organization NAME, adding it to an empty slot if needed. */
  function slotOf(name) {
    let inputs = form.querySelectorAll("input[name=parties]");
    let empty = -1;
    for (let i = 0; i < inputs.length; i += 1) {
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
    const pick = rowField(row, "pick");
    const m = /^#(\d+)\b/.exec(pick.value);
    const listing = m ? byId[m[1]] : null;
    const note = row.querySelector("[data-money-note]");
    if (note) {  // the author confirmed that money words in the listing are not a payment
      note.textContent = listing && listing.money_note ? listing.money_note : "";
      note.hidden = !note.textContent;
    }
    if (!listing) {
      if (!pick.value) { rowField(row, "listing_id").value = ""; rowField(row, "need_id").value = ""; }
      return;
    }
    const offer = listing.kind === "offer";
    rowField(row, offer ? "listing_id" : "need_id").value = listing.id;
    const what = rowField(row, "what");
    if (!what.value || what.getAttribute("data-filled") === what.value) {
      what.value = listing.title;
      what.setAttribute("data-filled", listing.title);
    }
    rowField(row, "unit").value = listing.unit;
    rowField(row, "category").value = listing.category;
    rowField(row, "quantity").placeholder = "≤ " + listing.remaining;
    const slot = slotOf(listing.org);
    if (slot >= 0) {
      const mine = rowField(row, offer ? "giver_id" : "receiver_id");
      const other = rowField(row, offer ? "receiver_id" : "giver_id");
      mine.value = "@" + slot;
      if (other.value === mine.value || !other.value) {
        const count = partyCount();
        for (let i = 0; i < count; i += 1) {
          if (i !== slot) { other.value = "@" + i; break; }
        }
      }
    }
    suggest(row);
  }

  /* The value table's suggestion for ROW, shown in the estimated value's placeholder. */
  function suggest(row) {
    const input = rowField(row, "estimated_value");
    const hint = row.querySelector("[id$='-estimated_value-hint']");
    const per = values[rowField(row, "category").value + ":" + rowField(row, "unit").value];
    const quantity = parseInt(rowField(row, "quantity").value, 10);
    const text = per !== undefined && quantity > 0 ? String(per * quantity) : "";
    input.placeholder = text;
    if (hint) {
      let span = hint.querySelector(".suggestion");
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
    const general = [];
    let first = null;
    Object.keys(errors || {}).forEach((name) => {
      const text = errors[name].join(" ");
      const target = name === "_" ? null : $(name + "-error");
      if (!target) { general.push(text); return; }
      target.textContent = text;
      target.hidden = false;
      const input = $(name);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (input.parentNode.classList.contains("field")) input.parentNode.classList.add("has-error");
        first = first || input;
      } else {
        first = first || target;
      }
    });
    $("_-error").textContent = general.join(" ");
    $("desk-errors").hidden = false;
    if (first && first.focus) first.focus();
  }

  function notice(text, link, linkText, kind) {
    const p = document.createElement("p");
    if (kind) p.className = kind;
    p.textContent = text + " ";
    if (link) {
      const a = document.createElement("a");
      a.href = link;
      a.textContent = linkText;
      p.appendChild(a);
    }
    statusBox.appendChild(p);
  }

  /* Deals refused after waiting in the outbox: one button puts the oldest back in the form. */
  function showReturned() {
    const old = $("desk-returned");
    if (old) old.remove();
    const items = load(RETURNED, []);
    if (!items.length) return;
    const p = document.createElement("p");
    p.id = "desk-returned";
    p.textContent = msg("returned") + " (" + items.length + ") ";
    const open = document.createElement("button");
    open.type = "button";
    open.className = "button small";
    open.textContent = msg("open-returned");
    open.addEventListener("click", () => {
      if (!isEmpty() && !window.confirm(msg("replace"))) return;
      const list = load(RETURNED, []);
      const item = list.shift();
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
    const n = load(OUTBOX, []).length;
    outboxCount.textContent = n;
    outboxBadge.hidden = n === 0;
    if (n === 0) statusBox.querySelectorAll(".waiting").forEach((p) => p.remove());
  }

  /* ------------------------------------------------------------------ sending */
  /* PAIRS as the form's POST, with the page's current CSRF token (not the one a deal kept in
     the outbox was typed with). */
  function post(pairs) {
    const body = new FormData();
    pairs.forEach(([name, value]) => { if (name !== "csrf_token") body.append(name, value); });
    return postForm(form.action, body, csrfToken(form));
  }

  /* A blank form for the next deal, with a new key. */
  function reset() {
    while (rowCount() > 2) rowsBox.removeChild(rowsBox.lastElementChild);
    while (partyCount() > 2) slotsBox.removeChild(slotsBox.lastElementChild);
    form.querySelectorAll(".party-select select option").forEach((o) => {
      const m = /^@(\d+)$/.exec(o.value);
      if (m && parseInt(m[1], 10) >= 2) o.remove();
    });
    controls().forEach((el) => {
      if (!el.name || el.name === "csrf_token" || el.name === "opened_at") return;
      if (el.type === "checkbox") el.checked = false;
      else if (/-(due_on)$/.test(el.name)) return;
      else if (/-giver_id$/.test(el.name)) el.value = /^commitments-1-/.test(el.name) ? "@1" : "@0";
      else if (/-receiver_id$/.test(el.name)) el.value = /^commitments-1-/.test(el.name) ? "@0" : "@1";
      else el.value = "";
    });
    clearErrors(form);
    form.querySelectorAll(".party-choices").forEach((el) => el.remove());
    $("desk-errors").hidden = true;
    form.querySelectorAll("[data-filled]").forEach((el) => el.removeAttribute("data-filled"));
    field("client_key").value = uuid();
    refreshPartyLabels();
    rowsBox.querySelectorAll(".commitment").forEach(suggest);
    store(DRAFT, null);
    const first = $("parties-0");
    if (first) first.focus();
  }

  function toOutbox(pairs) {
    const box = load(OUTBOX, []);
    const key = (pairs.find(([name]) => name === "client_key") || [])[1];
    if (!box.some((item) => item.key === key)) {
      box.push({ key, fields: pairs, at: Date.now() });
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
    const pairs = fields(true);
    sending = true;
    button.disabled = true;
    const label = button.textContent;
    button.textContent = msg("sending");
    const done = () => { sending = false; button.disabled = false; button.textContent = label; };
    post(pairs).then((r) => {
      if (r.status >= 500) { done(); toOutbox(pairs); return undefined; }
      return r.json().catch(() => null).then((data) => {
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
    }).catch(() => {
      done();
      toOutbox(pairs);
    });
  }

  /* Send what waits in the outbox, oldest first; stop at the first failure to connect. */
  function flush() {
    const box = load(OUTBOX, []);
    if (flushing || !box.length || navigator.onLine === false) return;
    flushing = true;
    const item = box[0];
    post(item.fields).then((r) => {
      if (r.status >= 500) throw new Error("server");
      return r.json().catch(() => null).then((data) => {
        const rest = load(OUTBOX, []).filter((x) => x.key !== item.key);
        if (r.ok && data && data.ok) {
          store(OUTBOX, rest);
          notice(msg("sent") + " " + data.number, data.print_url, msg("print"));
        } else if (r.status === 422) {
          store(OUTBOX, rest);
          const returned = load(RETURNED, []);
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
    }).catch(() => {
      flushing = false;
      showOutbox();
    });
  }

  /* ------------------------------------------------------------------ wiring */
  form.addEventListener("submit", submit);
  form.addEventListener("input", (event) => {
    if (event.target.name === "parties") refreshPartyLabels();
    saveSoon();
  });
  form.addEventListener("change", (event) => {
    const row = event.target.closest(".commitment");
    if (row && /-pick$/.test(event.target.name)) picked(row);
    else if (row && /-(quantity|unit|category)$/.test(event.target.name)) suggest(row);
    if (event.target.name === "parties") { completeParty(event.target); refreshPartyLabels(); }
    saveSoon();
  });
  form.addEventListener("input", (event) => {
    const row = event.target.closest(".commitment");
    if (row && /-quantity$/.test(event.target.name)) suggest(row);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    if (event.ctrlKey || event.metaKey) { submit(event); return; }
    const el = event.target;
    if (el.tagName === "BUTTON" || el.tagName === "TEXTAREA") return;  /* a button does its job */
    event.preventDefault();  /* Enter in a field never submits */
    enterFrom(el);
  });
  slotsBox.querySelectorAll(".party-slot").forEach(wireSlot);
  rowsBox.querySelectorAll(".commitment").forEach(wireRow);

  const addRowButton = $("add-row");
  addRowButton.hidden = false;
  addRowButton.addEventListener("click", () => {
    const row = addRow();
    if (row) rowField(row, "pick").focus();
    saveSoon();
  });
  const addPartyButton = $("add-party");
  addPartyButton.hidden = false;
  addPartyButton.addEventListener("click", () => {
    const slot = addParty();
    if (slot) slot.querySelector("input[name=parties]").focus();
    saveSoon();
  });
  const newButton = $("desk-new");
  newButton.hidden = false;
  newButton.addEventListener("click", () => {
    if (isEmpty() || window.confirm(msg("replace"))) reset();
  });

  // Opening a queued deal replaces the one being typed: ask first (the queue is redrawn
  // from the server, so the listener sits on the page, not on each link).
  document.addEventListener("submit", (event) => {
    const open = event.target.closest("[data-open-deal]");
    if (open && !isEmpty() && form.getAttribute("data-fresh") === "1" && !window.confirm(msg("replace"))) {
      event.preventDefault();
    }
  });

  /* The queue of phone deals, fetched anew every QUEUE_MS (a 304 while nothing changed);
     not while the notary types a note in it. */
  function refreshQueue() {
    const queue = $("queue");
    if (!queue || queue.contains(document.activeElement)) return;
    fetch(queue.getAttribute("data-url"), {
      credentials: "same-origin", headers: { "If-None-Match": "\"" + queue.getAttribute("data-etag") + "\"" }
    }).then((r) => (r.status === 200 ? r.text() : null)).then((html) => {
      const current = $("queue");
      if (!html || !current || current.contains(document.activeElement)) return;
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue");
      if (fresh) current.replaceWith(document.adoptNode(fresh));
    }).catch(() => { /* offline: the outbox says so; try again later */ });
  }
  window.setInterval(refreshQueue, QUEUE_MS);
  window.addEventListener("beforeunload", () => { if (saveTimer) saveDraft(); });
  window.addEventListener("online", flush);
  window.setInterval(flush, RESEND_MS);

  if (!field("client_key").value) field("client_key").value = uuid();
  const draft = load(DRAFT, null);
  if (form.getAttribute("data-fresh") === "1" && draft && draft.fields && draft.fields.length) {
    fill(draft.fields);
    notice(msg("restored"));
  } else {
    saveDraft();
  }
  refreshPartyLabels();
  rowsBox.querySelectorAll(".commitment").forEach(suggest);
  showOutbox();
  showReturned();
  flush();
}
