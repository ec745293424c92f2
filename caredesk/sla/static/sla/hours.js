// Adds a range to a day, or a day to a list, at once. Without this script the calendar form
// works all the same: each day shows an empty slot more, and saving shows another.
(function () {
  "use strict";

  function renumber(node, from, to) {
    // Names carry the row's or slot's index (weekly_hours-0-1-start); labels its number.
    node.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.split(from).join(to);
      if (input.type === "checkbox") {
        input.checked = false;
      } else {
        input.value = "";
      }
    });
  }

  function relabel(node, pattern, number) {
    node.querySelectorAll("[aria-label]").forEach(function (input) {
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(pattern, number));
    });
  }

  function addSlot(row) {
    var slots = row.querySelectorAll(".sla-slot");
    var last = slots[slots.length - 1];
    var next = Number(row.dataset.nextSlot);
    var copy = last.cloneNode(true);
    renumber(copy, row.dataset.prefix + "-" + (next - 1) + "-", row.dataset.prefix + "-" + next + "-");
    relabel(copy, /range \d+/, "range " + (next + 1));
    row.dataset.nextSlot = String(next + 1);
    last.after(copy);
    copy.querySelector("input").focus();
  }

  function addRow(list) {
    var rows = list.querySelectorAll(".sla-row");
    var last = rows[rows.length - 1];
    var next = Number(list.dataset.nextRow);
    var prefix = last.dataset.prefix.replace(/-\d+$/, "-" + next);
    var copy = last.cloneNode(true);
    copy.querySelectorAll(".sla-slot").forEach(function (slot, index) {
      if (index > 0) {
        slot.remove();
      }
    });
    renumber(copy, last.dataset.prefix, prefix);
    relabel(copy, /(Special|Closed) day \d+/, "$1 day " + (next + 1));
    copy.dataset.prefix = prefix;
    copy.dataset.nextSlot = "1";
    list.dataset.nextRow = String(next + 1);
    last.after(copy);
    copy.querySelector("input").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".sla-add-slot, .sla-add-row").forEach(function (button) {
      button.hidden = false;
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest(".sla-add-slot, .sla-add-row");
      if (!button) {
        return;
      }
      if (button.classList.contains("sla-add-slot")) {
        addSlot(button.closest(".sla-row"));
      } else {
        addRow(button.closest(".sla-hours, .sla-dates"));
      }
    });
  });
})();
