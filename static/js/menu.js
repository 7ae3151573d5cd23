/* The header's menu on a phone: the links fold behind a "Menu" button, so that the header is
   one line. Without this script (or on a wider screen) the links stay as they are.
   Panels marked data-open-wide (the marketplace's filters) fold on a phone only: a wider
   screen opens them. */
if (window.matchMedia("(min-width: 48.01rem)").matches) {
  document.querySelectorAll("details[data-open-wide]").forEach((panel) => { panel.open = true; });
}
const header = document.querySelector(".site-header");
const button = header && header.querySelector(".menu-toggle");
if (header && button) {
  header.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("nav-open", open);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.classList.contains("nav-open")) {
      button.setAttribute("aria-expanded", "false");
      header.classList.remove("nav-open");
      button.focus();
    }
  });
}
