/* What every page script reads from its page: the JSON config block, the translated messages
   in data-msg-* attributes, the CSRF token; and the few DOM helpers they share.
   The CSP (script-src 'self') allows no inline script, so a page hands its script data through
   these: <script type="application/json"> blocks and data- attributes. */

export const $ = (id) => document.getElementById(id);

/* Set the text of the element with ID (or of a node) to VALUE, only when it changed. */
export function setText(idOrNode, value) {
  const node = typeof idOrNode === "string" ? $(idOrNode) : idOrNode;
  if (node && node.textContent !== String(value)) node.textContent = value;
}

export function parseJSON(text, fallback) {
  try { return JSON.parse(text || ""); } catch (e) { return fallback; }
}

/* The page's configuration from its <script type="application/json" id=ID> block. */
export function readConfig(id) {
  const block = $(id);
  return block ? JSON.parse(block.textContent) : null;
}

/* msg(name): ROOT's data-msg-NAME attribute, the page's translation of a message. */
export function messages(root) {
  return (name) => root.getAttribute("data-msg-" + name) || "";
}

/* The CSRF token: ROOT's data-csrf, else the value of a csrf_token field in ROOT (every form
   of a page carries the same token). */
export function csrfToken(root = document) {
  if (root.dataset && root.dataset.csrf) return root.dataset.csrf;
  const input = root.querySelector("input[name=csrf_token]");
  return input ? input.value : "";
}

/* POST BODY (FormData) to URL as a form would, with the CSRF token, asking for JSON. */
export function postForm(url, body, csrf = csrfToken()) {
  body.set("csrf_token", csrf);
  return fetch(url, {
    method: "POST", body, credentials: "same-origin",
    headers: { "Accept": "application/json", "X-CSRFToken": csrf }
  });
}

/* Buttons marked data-print are hidden without JavaScript; show them and make them print. */
export function printButtons() {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
}
