/* A text field that offers choices as one types (the WAI-ARIA 1.2 combobox with a list popup).

   Used where a <datalist> is not enough: choices that match on every word typed, anywhere in
   the label (a listing's title, its organization, its number), listed at once when more than
   one matches, and picked by keyboard in one key:

   - typing shows the matching choices, the first highlighted;
   - ArrowDown / ArrowUp move the highlight (ArrowDown opens the list when it is closed);
   - Enter or Tab picks the highlighted choice, Escape closes the list;
   - a click picks a choice too.

   combobox(input, {choices, onPick, openOnFocus}) where choices(text) returns
   [{value, label, detail}] and onPick(choice, key) is called after the field took the value
   ("Enter", "Tab" or "click"); onPick returns true when it moved the focus itself (a Tab is
   then kept from moving it once more). Without JavaScript the field stays a plain text field. */

let made = 0;

/* Lower case without diacritics ("Szkoła" → "szkola"), as the server compares names. */
export function folded(text) {
  return String(text || "").toLowerCase().replace(/ł/g, "l").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
}

/* Whether every word of TYPED (folded) is in TEXT (folded). */
export function hasWords(text, typed) {
  const words = typed.split(" ").filter(Boolean);
  return words.length > 0 && words.every((w) => text.includes(w));
}

export function combobox(input, { choices, onPick, openOnFocus = false }) {
  made += 1;
  const list = document.createElement("ul");
  list.id = (input.id || "combobox") + "-choices-" + made;
  list.className = "combobox-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  if (input.parentNode.classList) input.parentNode.classList.add("has-combobox");
  input.removeAttribute("list");  /* the browser's own datalist popup would compete */
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  let shown = [], active = -1;

  function highlight(index) {
    active = index;
    Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
    if (index >= 0 && list.children[index]) {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open() {
    shown = choices(input.value) || [];
    list.textContent = "";
    shown.forEach((choice, i) => {
      const li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.textContent = choice.label;
      if (choice.detail) {
        const small = document.createElement("span");
        small.className = "combobox-detail";
        small.textContent = " " + choice.detail;
        li.appendChild(small);
      }
      li.addEventListener("mousedown", (event) => event.preventDefault());  /* keep the focus */
      li.addEventListener("click", () => pick(i, "click"));
      list.appendChild(li);
    });
    if (!shown.length) { close(); return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(input.value.trim() ? 0 : -1);
  }

  function pick(index, key) {
    const choice = shown[index];
    close();
    if (!choice) return false;
    input.value = choice.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return onPick ? onPick(choice, key) === true : false;
  }

  input.addEventListener("input", (event) => { if (event.isTrusted) open(); });
  input.addEventListener("focus", () => { if (openOnFocus) open(); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const isOpen = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!isOpen) open();
      else highlight(Math.min(active + 1, shown.length - 1));
    } else if (event.key === "ArrowUp") {
      if (!isOpen) return;
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Escape") {
      if (isOpen) { event.preventDefault(); close(); }
    } else if (event.key === "Enter") {
      if (isOpen && active >= 0) {
        event.preventDefault();
        event.stopPropagation();
        pick(active, "Enter");
      }
    } else if (event.key === "Tab" && !event.shiftKey) {
      if (isOpen && active >= 0 && pick(active, "Tab")) event.preventDefault();
    }
  });

  return { open, close };
}
