/* Intake drafts kept on this device while the connection is unreliable (README "Low bandwidth").
 *
 * Progressive enhancement: without this script the form works exactly the same.
 * - Only controls marked data-draft are kept; never hidden fields, passwords, files or the CSRF token.
 * - Every kept value is sealed in one AES-GCM box under the per-user key carried by the signed-in
 *   page (form[data-draft-key]); only the time it was saved and the number of perpetrator rows stay
 *   in clear. Without Web Crypto (non-secure context) nothing is kept at all.
 * - A draft belongs to the tab that wrote or restored it (sessionStorage "sea-draft-owner:<id>"):
 *   after a successful save (body[data-draft-saved]) only that tab drops it, so a draft still on offer
 *   is never deleted because another allegation was recorded. Also dropped on "Discard", "Cancel",
 *   on sign-out (all drafts of this browser), and on any signed-in page once older than 14 days.
 */
(function () {
  "use strict";
  var PREFIX = "sea-draft:";
  var OWNER = "sea-draft-owner:";
  var VERSION = 2;
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  var store, tab = null;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (e) {
    return; // storage switched off: nothing to do
  }
  try {
    tab = window.sessionStorage;
    tab.getItem(OWNER);
  } catch (e) {
    tab = null; // without it this tab owns nothing: a saved draft is then left for "Discard" or expiry
  }

  function owns(id) { try { return !!tab && tab.getItem(OWNER + id) === "1"; } catch (e) { return false; } }
  function own(id) { try { if (tab) tab.setItem(OWNER + id, "1"); } catch (e) { /* not owned */ } }
  function disown(id) { try { if (tab) tab.removeItem(OWNER + id); } catch (e) { /* nothing to drop */ } }
  function drop(id) { store.removeItem(PREFIX + id); disown(id); }

  function names() {
    var all = [];
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) all.push(name);
    }
    return all;
  }
  function fresh(draft) {
    return !!draft && draft.v === VERSION && !!draft.box &&
      Date.now() - Date.parse(draft.savedAt) < MAX_AGE_MS; // NaN (no date) is not fresh
  }
  function parse(name) {
    try { return JSON.parse(store.getItem(name)); } catch (e) { return null; }
  }
  // Expired, unreadable or older-format drafts (which kept values in clear) go, whoever typed them.
  names().forEach(function (name) { if (!fresh(parse(name))) store.removeItem(name); });

  var signingOut = false; // a save already under way (typing, or the change as focus leaves) must not write after
  document.querySelectorAll("form[data-draft-signout]").forEach(function (f) {
    f.addEventListener("submit", function () {
      signingOut = true;
      names().forEach(function (name) { drop(name.slice(PREFIX.length)); });
    });
  });
  var saved = document.body.getAttribute("data-draft-saved");
  if (saved && owns(saved)) drop(saved); // another tab's (or an ignored, kept) draft stays on offer

  var form = document.querySelector("form[data-draft-id]");
  if (!form) return;
  var id = form.getAttribute("data-draft-id");
  var storageKey = PREFIX + id;
  var banner = document.querySelector("[data-draft-banner]");
  var status = document.querySelector("[data-draft-status]");
  var subtle = window.isSecureContext && window.crypto && window.crypto.subtle;
  if (!subtle || !form.getAttribute("data-draft-key")) return; // cannot seal: keep nothing
  var aad = new TextEncoder().encode(storageKey); // a box only opens under this user and form

  function toBase64(bytes) {
    var s = "";
    bytes = new Uint8Array(bytes);
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }
  function fromBase64(text) {
    var s = atob(text), bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes;
  }
  var keyPromise;
  try {
    keyPromise = subtle.importKey("raw", fromBase64(form.getAttribute("data-draft-key")), "AES-GCM", false,
      ["encrypt", "decrypt"]).catch(function () { return null; });
  } catch (e) {
    return;
  }

  function controls() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.hasAttribute("data-draft") && el.name !== "csrfmiddlewaretoken" &&
        ["hidden", "password", "file", "submit", "button"].indexOf(el.type) < 0;
    });
  }
  function rows() { return form.querySelectorAll("fieldset.perpetrator"); }

  function collect() {
    var values = {};
    controls().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!values[el.name]) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function seal(sealedData) {
    return keyPromise.then(function (key) {
      if (!key) return null;
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var data = new TextEncoder().encode(JSON.stringify(sealedData));
      return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: aad }, key, data).then(function (ct) {
        return { iv: toBase64(iv), data: toBase64(ct) };
      });
    });
  }
  function unseal(box) {
    return keyPromise.then(function (key) {
      if (!key) return null;
      return subtle.decrypt({ name: "AES-GCM", iv: fromBase64(box.iv), additionalData: aad }, key,
        fromBase64(box.data)).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
    }).catch(function () { return null; });
  }

  var pending = false; // a kept draft is on offer: do not overwrite it before the officer chooses
  var timer = null;
  function save() {
    if (pending || signingOut) return Promise.resolve();
    var rowCount = rows().length;
    var sealedData = { fields: collect(), version: form.getAttribute("data-draft-version") || null };
    return seal(sealedData).then(function (box) {
      if (!box || pending || signingOut) return; // never keep anything unsealed
      store.setItem(storageKey, JSON.stringify({ v: VERSION, savedAt: new Date().toISOString(), rows: rowCount, box: box }));
      own(id);
    }).catch(function () { /* storage full or refused: the form still works */ });
  }
  function saveSoon() {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  }
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  form.addEventListener("submit", function () { clearTimeout(timer); save(); });
  var cancel = form.querySelector("[data-draft-cancel]");
  if (cancel) cancel.addEventListener("click", function () { drop(id); });

  function addRow() {
    var all = rows(), last = all[all.length - 1];
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    if (!last || !total) return false;
    var prefix = total.name.slice(0, -"-TOTAL_FORMS".length);
    var index = Number(total.value);
    var pattern = new RegExp("(" + prefix + "-)\\d+(-)", "g");
    var copy = last.cloneNode(true);
    copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, "$1" + index + "$2"));
      });
    });
    copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    copy.querySelectorAll("[name$='-DELETE']").forEach(function (el) { el.closest(".field").remove(); });
    copy.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (/-id$/.test(el.name)) el.value = "";
      else if (el.type === "checkbox" || el.type === "radio") el.checked = el.defaultChecked;
      else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = o.defaultSelected; });
      } else if (el.type !== "hidden") el.value = el.defaultValue;
    });
    var legend = copy.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
    last.parentNode.insertBefore(copy, last.nextSibling);
    total.value = String(index + 1);
    return true;
  }

  function apply(values) {
    Object.keys(values || {}).forEach(function (name) {
      controls().forEach(function (el) {
        if (el.name !== name) return;
        if (el.type === "checkbox" || el.type === "radio") el.checked = values[name].indexOf(el.value) >= 0;
        else el.value = values[name];
        // Lists that follow this choice (intake-form.js) must offer the restored values that come after it.
        if (el.tagName === "SELECT") el.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 100); // the live region was there, empty, since load
  }

  // A fresh form: whatever is kept now is on offer, not this tab's work in progress (until restored).
  if (!form.hasAttribute("data-draft-bound")) disown(id);
  var stored = store.getItem(storageKey) ? parse(storageKey) : null;
  // A re-rendered form (validation error, "Add another person") already shows what was typed.
  if (!fresh(stored) || form.hasAttribute("data-draft-bound") || !banner) return;
  pending = true;
  unseal(stored.box).then(function (values) {
    var message = banner.querySelector("[data-draft-message]");
    var unopenable = banner.querySelector("[data-draft-unopenable]");
    var text;
    if (values && values.fields) {
      var when = new Date(stored.savedAt).toLocaleString(document.documentElement.lang || undefined,
        { dateStyle: "medium", timeStyle: "short" });
      text = message.getAttribute("data-draft-message").replace("{time}", when);
      message.textContent = text;
    } else { // sealed under another key (keys changed, or copied from another account or form)
      banner.querySelectorAll("p, [data-draft-restore]").forEach(function (el) { el.hidden = el !== unopenable; });
      unopenable.hidden = false;
      text = unopenable.textContent;
    }
    banner.hidden = false;
    announce(text);

    function done() {
      banner.hidden = true;
      if (status) status.textContent = "";
      pending = false;
      var first = controls()[0];
      if (first) first.focus();
    }
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      if (!values) return;
      while (rows().length < (stored.rows || 0) && addRow()) { /* one more perpetrator row */ }
      apply(values.fields);
      var version = form.querySelector("input[name='version']");
      if (version && values.version) version.value = values.version; // a stale draft gets the 409 page, not a silent overwrite
      own(id); // this tab now carries the draft: its successful save drops it
      done();
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      drop(id);
      done();
    });
  });
})();
