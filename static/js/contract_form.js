/* The contract drafting form: parties found by typing, no round trip.

   Without JavaScript the parties are a multiple select and "Update parties" re-renders the form
   with each party's representative field and listings. With it, the select stays as the form's
   record of the parties (hidden), and a field finds an organization as its name is typed
   (combobox.js); picking one adds, at once, its representative field, its name to every "who
   gives / to whom" list and its offers and needs (fetched from the server) to every commitment;
   removing it takes them away. */
import { combobox, folded, hasWords } from "./combobox.js";
import { $, messages } from "./page.js";

const form = $("contract-form");
if (form) draft(form);

function draft(form) {
  const msg = messages(form);
  const own = form.getAttribute("data-own");
  const select = form.querySelector("select[name=parties]");
  const chips = $("party-chips");
  const finder = $("party-find");
  const reps = $("representatives");
  if (!select || !finder) return;

  $("parties-fallback").hidden = true;
  $("party-finder").hidden = false;

  const option = (id) => select.querySelector("option[value='" + id + "']");
  const chosen = () => Array.from(select.options).filter((o) => o.selected || o.value === own);
  const nameOf = (id) => (option(id) ? option(id).textContent : "");

  function chip(id) {
    const li = document.createElement("li");
    li.setAttribute("data-org", id);
    const name = document.createElement("span");
    name.textContent = nameOf(id);
    li.appendChild(name);
    if (id !== own) {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", msg("remove").replace("%(organization)s", nameOf(id)));
      remove.addEventListener("click", () => { drop(id); finder.focus(); });
      li.appendChild(remove);
    }
    chips.appendChild(li);
  }

  function nextIndex() {
    let n = 0;
    form.querySelectorAll("input[name^='representatives-'][name$='-organization_id']").forEach((el) => {
      const m = /^representatives-(\d+)-/.exec(el.name);
      if (m) n = Math.max(n, parseInt(m[1], 10) + 1);
    });
    return n;
  }

  function addRepresentative(id) {
    const n = nextIndex();
    const box = document.createElement("div");
    box.className = "representative";
    box.setAttribute("data-org", id);
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = hidden.id = "representatives-" + n + "-organization_id";
    hidden.value = id;
    const field = document.createElement("div");
    field.className = "field";
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "text";
    input.name = input.id = "representatives-" + n + "-representative";
    input.maxLength = 120;
    label.htmlFor = input.id;
    label.textContent = msg("represents").replace("%(organization)s", nameOf(id));
    field.append(label, input);
    box.append(hidden, field);
    reps.appendChild(box);
  }

  function selects(suffix) {
    return form.querySelectorAll("select[name^='commitments-'][name$='-" + suffix + "']");
  }

  function addOption(sel, value, text, org) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    if (org) o.setAttribute("data-org", org);
    sel.appendChild(o);
  }

  function add(id) {
    const o = option(id);
    if (!o || o.selected) return;
    o.selected = true;
    chip(id);
    addRepresentative(id);
    ["giver_id", "receiver_id"].forEach((s) => selects(s).forEach((sel) => addOption(sel, id, nameOf(id), id)));
    const url = form.getAttribute("data-party-url").replace(/\/0$/, "/" + id);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        if (!option(id).selected) return;  /* removed while loading */
        data.offers.forEach(([value, text]) => selects("listing_id").forEach((sel) => addOption(sel, value, text, id)));
        data.needs.forEach(([value, text]) => selects("need_id").forEach((sel) => addOption(sel, value, text, id)));
      })
      .catch(() => {
        const p = document.createElement("p");
        p.className = "field-error";
        p.textContent = msg("failed");
        chips.insertAdjacentElement("afterend", p);
      });
  }

  function drop(id) {
    const o = option(id);
    if (o) o.selected = false;
    form.querySelectorAll("[data-org='" + id + "']").forEach((el) => {
      if (el.tagName === "OPTION") {
        const sel = el.parentNode;
        const was = sel.value === el.value;
        el.remove();
        if (was) sel.value = "";
      } else {
        el.remove();
      }
    });
    ["giver_id", "receiver_id"].forEach((s) => selects(s).forEach((sel) => {
      const left = sel.querySelector("option[value='" + id + "']");
      if (left) { if (sel.value === id) sel.value = ""; left.remove(); }
    }));
    // Listings the page came with carry their organization's name first ("Name: title").
    const prefix = nameOf(id) + ": ";
    ["listing_id", "need_id"].forEach((s) => selects(s).forEach((sel) => {
      Array.from(sel.options).filter((o) => o.value && o.textContent.startsWith(prefix)).forEach((o) => {
        if (sel.value === o.value) sel.value = "";
        o.remove();
      });
    }));
  }

  // The parties the page came with; their options on the commitments are the server's.
  chosen().forEach((o) => chip(o.value));

  combobox(finder, {
    choices: (text) => {
      const typed = folded(text);
      if (!typed) return [];
      return Array.from(select.options)
        .filter((o) => !o.selected && o.value !== own && hasWords(folded(o.textContent), typed))
        .slice(0, 10).map((o) => ({ value: o.value, label: o.textContent }));
    },
    onPick: (choice) => {
      add(choice.value);
      finder.value = "";
      finder.focus();
      return true;
    }
  });
}
