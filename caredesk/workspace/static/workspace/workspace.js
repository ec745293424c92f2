// Keyboard shortcuts for the common moves; "?" lists them. Nothing here is needed to use
// caredesk: every action is also a plain link, button or form.
(function () {
  "use strict";
  var pendingG = false;

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-ticket]"));
  }

  function select(step) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, current + step));
    all.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    all[next].classList.add("selected");
    all[next].setAttribute("aria-selected", "true");
    all[next].scrollIntoView({ block: "nearest" });
  }

  function openSelected() {
    var row = document.querySelector("tr.selected a");
    if (row) row.click();
  }

  function compose(kind) {
    var radio = document.querySelector("input[name=kind][value=" + kind + "]");
    var text = document.getElementById("text");
    if (!radio || !text) return;
    radio.checked = true;
    text.focus();
  }

  function submit(form) {
    if (form) form.requestSubmit();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "i") { window.location.href = "/"; }
      return;
    }
    var help = document.getElementById("shortcuts");
    switch (key) {
      case "j": select(1); break;
      case "k": select(-1); break;
      case "o": case "Enter": openSelected(); break;
      case "r": compose("reply"); break;
      case "n": compose("note"); break;
      case "a": submit(document.querySelector("form.assign-me")); break;
      case "s": {
        var status = document.getElementById("status");
        if (status) { status.value = "solved"; submit(status.form); }
        break;
      }
      case "g": pendingG = true; return;
      case "/": { var q = document.getElementById("q"); if (q) q.focus(); break; }
      case "?": if (help && help.showModal) help.showModal(); break;
      default: return;
    }
    event.preventDefault();
  });

  // Say when this page is closed, so others stop seeing us on the ticket at once.
  window.addEventListener("pagehide", function () {
    var presence = document.getElementById("presence");
    var token = document.body.getAttribute("hx-headers");
    if (!presence || !token) return;
    var data = new FormData();
    data.append("leaving", "1");
    data.append("csrfmiddlewaretoken", JSON.parse(token)["X-CSRFToken"]);
    navigator.sendBeacon(presence.getAttribute("hx-post"), data);
  });
})();
