/* Intake drafts kept on this device while the connection is unreliable (README "Low bandwidth").
 *
 * Progressive enhancement: without this script the form works exactly the same.
 * - Only controls marked data-draft are kept; never hidden fields, passwords, files or the CSRF token.
 * - data-draft="sealed" controls (the narrative, stored encrypted on the server) are kept only
 *   AES-GCM-encrypted under the per-user key carried by the signed-in page (form[data-draft-key]);
 *   without Web Crypto (non-secure context) they are not kept at all.
 * - The draft is dropped after a successful save (body[data-draft-saved]), on "Cancel" and on sign-out.
 */
(function () {
  "use strict";
  var PREFIX = "sea-draft:";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  var store;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (e) {
    return; // storage switched off: nothing to do
  }

  function clearAll() {
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) store.removeItem(name);
    }
  }
  document.querySelectorAll("form[data-draft-signout]").forEach(function (f) {
    f.addEventListener("submit", clearAll);
  });
  var saved = document.body.getAttribute("data-draft-saved");
  if (saved) store.removeItem(PREFIX + saved);

  var form = document.querySelector("form[data-draft-id]");
  if (!form) return;
  var storageKey = PREFIX + form.getAttribute("data-draft-id");
  var banner = document.querySelector("[data-draft-banner]");
  var subtle = window.isSecureContext && window.crypto && window.crypto.subtle;
  var keyPromise = null;
  if (subtle && form.getAttribute("data-draft-key")) {
    keyPromise = subtle.importKey("raw", fromBase64(form.getAttribute("data-draft-key")), "AES-GCM", false,
      ["encrypt", "decrypt"]).catch(function () { return null; });
  }
  var aad = new TextEncoder().encode(storageKey); // a sealed value only opens under this user and form

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

  function controls() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.hasAttribute("data-draft") && el.name !== "csrfmiddlewaretoken" &&
        ["hidden", "password", "file", "submit", "button"].indexOf(el.type) < 0;
    });
  }
  function rows() { return form.querySelectorAll("fieldset.perpetrator"); }

  function collect() {
    var plain = {}, sealed = {}, anySealed = false;
    controls().forEach(function (el) {
      var isSealed = el.getAttribute("data-draft") === "sealed";
      var bucket = isSealed ? sealed : plain;
      if (el.type === "checkbox" || el.type === "radio") {
        if (!bucket[el.name]) bucket[el.name] = [];
        if (el.checked) bucket[el.name].push(el.value);
      } else {
        bucket[el.name] = el.value;
        if (isSealed && el.value) anySealed = true;
      }
    });
    return { plain: plain, sealed: sealed, anySealed: anySealed };
  }

  function seal(values) {
    if (!keyPromise) return Promise.resolve(null);
    return keyPromise.then(function (key) {
      if (!key) return null;
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var data = new TextEncoder().encode(JSON.stringify(values));
      return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: aad }, key, data).then(function (ct) {
        return { iv: toBase64(iv), data: toBase64(ct) };
      });
    });
  }
  function unseal(box) {
    if (!box || !keyPromise) return Promise.resolve(null);
    return keyPromise.then(function (key) {
      if (!key) return null;
      return subtle.decrypt({ name: "AES-GCM", iv: fromBase64(box.iv), additionalData: aad }, key,
        fromBase64(box.data)).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
    }).catch(function () { return null; });
  }

  var pending = false; // a kept draft is on offer: do not overwrite it before the officer chooses
  var timer = null;
  function save() {
    if (pending) return Promise.resolve();
    var values = collect();
    return seal(values.anySealed ? values.sealed : null).then(function (box) {
      store.setItem(storageKey, JSON.stringify({
        v: 1,
        savedAt: new Date().toISOString(),
        rows: rows().length,
        version: form.getAttribute("data-draft-version") || null,
        fields: values.plain,
        sealed: values.anySealed ? box : null,
        unsealed: values.anySealed && !box // the narrative could not be kept
      }));
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
  if (cancel) cancel.addEventListener("click", function () { store.removeItem(storageKey); });

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
      });
    });
  }

  function read() {
    try {
      var draft = JSON.parse(store.getItem(storageKey));
      if (draft && draft.v === 1 && Date.now() - Date.parse(draft.savedAt) < MAX_AGE_MS) return draft;
    } catch (e) { /* unreadable: dropped below */ }
    store.removeItem(storageKey);
    return null;
  }

  var draft = store.getItem(storageKey) ? read() : null;
  // A re-rendered form (validation error, "Add another person") already shows what was typed.
  if (!draft || form.hasAttribute("data-draft-bound") || !banner) return;
  pending = true;
  var message = banner.querySelector("[data-draft-message]");
  var when = new Date(draft.savedAt).toLocaleString(document.documentElement.lang || undefined,
    { dateStyle: "medium", timeStyle: "short" });
  message.textContent = message.getAttribute("data-draft-message").replace("{time}", when);
  banner.hidden = false;

  function done() {
    banner.hidden = true;
    pending = false;
    var first = controls()[0];
    if (first) first.focus();
  }
  banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
    while (rows().length < (draft.rows || 0) && addRow()) { /* one more perpetrator row */ }
    apply(draft.fields);
    var version = form.querySelector("input[name='version']");
    if (version && draft.version) version.value = draft.version; // a stale draft gets the 409 page, not a silent overwrite
    unseal(draft.sealed).then(function (sealedValues) {
      apply(sealedValues);
      var lost = draft.unsealed || (draft.sealed && !sealedValues);
      var note = banner.querySelector("[data-draft-unsealed]");
      done();
      if (lost && note) {
        banner.querySelectorAll("p, button").forEach(function (el) { el.hidden = el !== note; });
        note.hidden = false;
        banner.hidden = false;
      }
      save();
    });
  });
  banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
    store.removeItem(storageKey);
    done();
  });
})();
