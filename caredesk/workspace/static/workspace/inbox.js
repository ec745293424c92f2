// The inbox's selection: tick rows (or press x on the highlighted one), tick the header box
// for the whole page, see how many are selected; a merge asks before it happens. Listeners
// sit on the document, so they keep working after the inbox refreshes itself.
(function () {
  "use strict";

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll(".inbox input[name=ticket]"));
  }

  function tell() {
    var chosen = boxes().filter(function (b) { return b.checked; }).length;
    var count = document.querySelector(".inbox .selected-count");
    if (count) count.textContent = chosen ? chosen + " selected" : "";
    var all = document.querySelector(".inbox .select-all");
    if (all) {
      all.checked = chosen > 0 && chosen === boxes().length;
      all.indeterminate = chosen > 0 && chosen < boxes().length;
    }
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("select-all")) {
      boxes().forEach(function (b) { b.checked = el.checked; });
    }
    if (el.name === "ticket" || (el.classList && el.classList.contains("select-all"))) tell();
  });

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "x" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
    var box = document.querySelector("tr.selected input[name=ticket]");
    if (!box) return;
    box.checked = !box.checked;
    tell();
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });

  // Solving tickets nobody has replied to asks first, as it does on a ticket's page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#bulk button[value=status]");
    var status = document.getElementById("bulk-status");
    if (!button || !status || status.value !== "solved") return;
    var unanswered = boxes().filter(function (b) {
      return b.checked && b.closest("tr").hasAttribute("data-unanswered");
    }).length;
    if (!unanswered) return;
    var question = (unanswered === 1 ? "1 of the selected tickets has" : unanswered +
      " of the selected tickets have") + " had no reply to the customer yet. Solve anyway? " +
      "A first-reply target counts as not met.";
    if (!window.confirm(question)) event.preventDefault();
  });
})();
