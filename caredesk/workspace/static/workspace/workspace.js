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

// The composer's draft: saved on the server a second after the agent stops typing, and when
// the page is closed, so it comes back on any computer. Without script the composer still
// sends, and "Discard draft" is a plain form button.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) return;
  var status = document.getElementById("draft-status");
  var discardButton = form.querySelector("[data-discard]");
  var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  var timer = null;
  var sending = false;

  function fields() {
    var kind = form.querySelector("input[name=kind]:checked");
    return {
      kind: kind ? kind.value : "reply",
      text: form.elements.text.value,
      cc: form.elements.cc.value,
      status_after: form.elements.status_after.value,
      since: form.getAttribute("data-since") || ""
    };
  }

  var saved = JSON.stringify(fields());

  function show(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function save() {
    timer = null;
    var now = fields();
    var serialised = JSON.stringify(now);
    if (sending || serialised === saved) return;
    var body = new URLSearchParams(now);
    fetch(form.getAttribute("data-draft-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (sending) return;
        if (!response.ok) { show("Draft not saved: " + (answer.error || response.status), true); return; }
        saved = serialised;
        show(answer.saved, false);
        discardButton.hidden = !answer.saved;
      });
    }).catch(function () {
      show("Draft not saved (offline?); it is tried again as you type", true);
    });
  }

  function changed(event) {
    if (event.target.type === "file") return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1000);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (event.submitter !== discardButton) { sending = true; return; }
    event.preventDefault();
    fetch(discardButton.getAttribute("formaction"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { show("Draft not discarded; try again", true); return; }
      // Not form.reset(): the defaults are the draft the page was rendered with.
      form.querySelector("input[name=kind][value=reply]").checked = true;
      form.elements.text.value = "";
      form.elements.cc.value = "";
      form.elements.status_after.value = "";
      form.elements.attachments.value = "";
      saved = JSON.stringify(fields());
      discardButton.hidden = true;
      show("Draft discarded", false);
    });
  });

  // Closing or leaving the page: keep what was typed since the last save.
  window.addEventListener("pagehide", function () {
    if (sending || JSON.stringify(fields()) === saved) return;
    var data = new FormData();
    var now = fields();
    Object.keys(now).forEach(function (key) { data.append(key, now[key]); });
    data.append("csrfmiddlewaretoken", token);
    navigator.sendBeacon(form.getAttribute("data-draft-url"), data);
  });
})();

// Buttons with consequences ask first: <form data-confirm="Really?">.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
