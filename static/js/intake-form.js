/* Intake form: lists that follow the choice they depend on, and an error summary that lands on the field.
 *
 * Progressive enhancement: without this script the server already offers the subtypes of the chosen type
 * and the forces of the chosen operation, and a button ([data-filter-update]) brings the lists up to date.
 * - A select[data-filter-by="<name>"] offers the options of <template id="<data-filter-options>"> whose
 *   data-for lists the value of the control <name> (options without data-for, the blank one, always);
 *   with nothing chosen there, the whole list as the template groups it. What was picked stays picked
 *   while it is still on offer.
 * - A link of the error summary focuses its field and scrolls the field's label (or legend) into view:
 *   a plain jump to the control would leave its label above the top of a phone's screen.
 */
(function () {
  "use strict";
  var form = document.querySelector("form.intake");
  if (!form || !("content" in document.createElement("template"))) return; // keep the server's lists

  function filter(select) {
    var controller = form.elements.namedItem(select.getAttribute("data-filter-by"));
    var catalogue = document.getElementById(select.getAttribute("data-filter-options"));
    if (!controller || !catalogue) return;
    var key = controller.value;
    var picked = select.value;
    var offered = document.createDocumentFragment();
    if (!key) {
      offered.appendChild(catalogue.content.cloneNode(true));
    } else {
      Array.prototype.forEach.call(catalogue.content.querySelectorAll("option"), function (option) {
        var keys = option.getAttribute("data-for");
        if (keys === null || keys.split(" ").indexOf(key) >= 0) offered.appendChild(option.cloneNode(true));
      });
    }
    select.textContent = "";
    select.appendChild(offered);
    select.value = picked;
    if (select.selectedIndex < 0) select.selectedIndex = 0; // no longer on offer: back to the blank choice
  }

  function dependents(name) {
    return Array.prototype.filter.call(form.querySelectorAll("select[data-filter-by]"), function (select) {
      return select.getAttribute("data-filter-by") === name;
    });
  }

  form.querySelectorAll("select[data-filter-by]").forEach(filter);
  // Rows added later (the draft's "Restore") are copies of a filtered row; a change reaches them all here.
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name) dependents(event.target.name).forEach(filter);
  });
  // The lists now follow the choices as they are made: the round trip that updates them is not needed.
  form.querySelectorAll("[data-filter-update]").forEach(function (el) { el.remove(); });

  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var field = target.closest(".field, fieldset") || target;
      var label = field.querySelector("label, legend") || target;
      label.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  });
})();
