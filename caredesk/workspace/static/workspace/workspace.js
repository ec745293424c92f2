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
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    text.focus();
  }

  function submit(form) {
    if (form) form.requestSubmit();
  }

  // Solving a ticket nobody replied to asks first, however it is asked for (the "s" key, the
  // status list, its button): one key must not close a customer's question unanswered. The
  // listeners capture, so they run before htmx (listening on the form) sends anything.
  var statusShown = {};
  document.querySelectorAll("form.status select[name=status]").forEach(function (el) {
    statusShown[el.id] = el.value;
    el.addEventListener("focus", function () { statusShown[el.id] = el.value; });
  });

  function solvingRefused(select) {
    var question = select.form.getAttribute("data-confirm-solve");
    var solving = select.value === "solved" && statusShown[select.id] !== "solved";
    if (!question || !solving || window.confirm(question)) {
      statusShown[select.id] = select.value;
      return false;
    }
    select.value = statusShown[select.id];
    return true;
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("form.status select[name=status]") && solvingRefused(el)) {
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form.status") && solvingRefused(form.elements.status)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "i") { window.location.href = "/"; }
      if (key === "t") { window.location.href = "/templates"; }
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
        if (status && status.value !== "solved") {
          status.value = "solved"; // asked about first when nobody replied (see above)
          submit(status.form);
        }
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
      template: form.elements.template ? form.elements.template.value : "",
      macro: form.elements.macro ? form.elements.macro.value : "",
      since: form.getAttribute("data-since") || ""
    };
  }

  var saved = JSON.stringify(fields());

  // A note is not a reply: it looks different, says the customer does not see it, and has no
  // CC and no status to set after it (disabled, so they are not sent).
  function showKind() {
    var kind = fields().kind;
    var note = kind === "note";
    form.setAttribute("data-kind", kind);
    form.classList.toggle("note", note);
    document.getElementById("note-banner").hidden = !note;
    document.getElementById("recipients").hidden = note;
    ["cc-field", "status-after-field"].forEach(function (id) {
      var part = document.getElementById(id);
      part.hidden = note;
      part.querySelectorAll("input, select").forEach(function (el) { el.disabled = note; });
    });
    var send = document.getElementById("composer-send");
    send.textContent = send.getAttribute(note ? "data-note" : "data-reply");
  }

  form.querySelectorAll("input[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();

  function show(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function save() {
    timer = null;
    var now = fields();
    var serialised = JSON.stringify(now);
    if (sending || serialised === saved) return Promise.resolve();
    var body = new URLSearchParams(now);
    return fetch(form.getAttribute("data-draft-url"), {
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

  // Another form on the page that leaves it (merging) saves the draft first, so the page it
  // comes back to (a refused merge) shows what was being written.
  window.caredeskSaveDraft = function () {
    if (timer) { clearTimeout(timer); timer = null; }
    return save();
  };

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
      showKind();
      form.elements.text.value = "";
      form.elements.cc.value = "";
      form.elements.status_after.value = "";
      form.elements.attachments.value = "";
      if (form.elements.template) form.elements.template.value = "";
      if (form.elements.macro) form.elements.macro.value = "";
      form.dispatchEvent(new Event("caredesk:discarded"));
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

// Buttons with consequences ask first: <form data-confirm="Really?">. A form marked
// data-save-draft-first then waits for the composer's draft to be saved before it leaves.
document.addEventListener("submit", function (event) {
  var target = event.target;
  var question = target.getAttribute && target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); return; }
  if (target.hasAttribute && target.hasAttribute("data-save-draft-first") && window.caredeskSaveDraft) {
    event.preventDefault();
    window.caredeskSaveDraft().then(function () { target.submit(); }, function () { target.submit(); });
  }
});

// The side panel saves a property as soon as it changes, while the agent may already be typing
// in the next field. Its forms post with htmx and swap nothing themselves (the timeline,
// messages, customer and SLA parts come "out of band"); here each field is brought up to date
// from the answer on its own, and only when that cannot cost the agent anything they typed:
// a field keeps its value (and caret) when it changed since the request left, or when it
// holds an edit not saved yet that the request did not carry. Nothing is redrawn.
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  if (!panel || !window.htmx) return;
  var known = {}; // by field id: the value the server last said the field has

  function fieldsOf(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("input[id], select[id], textarea[id]"),
      function (el) { return el.type !== "hidden" && el.type !== "file"; }
    );
  }

  function values() {
    var now = {};
    fieldsOf(panel).forEach(function (el) { now[el.id] = el.value; });
    return now;
  }

  fieldsOf(panel).forEach(function (el) { known[el.id] = el.value; });

  function inPanel(event) {
    return event.detail && event.detail.elt && panel.contains(event.detail.elt);
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (!inPanel(event)) return;
    var form = event.detail.elt.closest("form");
    event.detail.xhr.panelSent = {
      values: values(),
      carried: form ? fieldsOf(form).map(function (el) { return el.id; }) : []
    };
  });

  function update(live, fresh, carried, sent) {
    var id = live.id;
    var before = sent.hasOwnProperty(id) ? sent[id] : live.value;
    var untouched = live.value === before; // not edited while the request was on its way
    var saved = before === known[id] || carried.indexOf(id) !== -1; // nothing pending in it
    known[id] = fresh.value;
    if (!untouched || !saved) return;
    if (live.tagName === "SELECT" && live.innerHTML !== fresh.innerHTML) {
      live.innerHTML = fresh.innerHTML;
    }
    if (live.value !== fresh.value) live.value = fresh.value;
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var sent = event.detail.xhr && event.detail.xhr.panelSent;
    if (!sent) return;
    var answer = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    var fresh = answer.getElementById("panel");
    if (!fresh || !event.detail.successful) {
      var messages = document.getElementById("messages");
      if (messages) {
        var said = answer.querySelector(".error, main p");
        messages.innerHTML = "";
        var item = document.createElement("li");
        item.className = "error";
        item.textContent = "Not saved: " + (said ? said.textContent.trim() : "caredesk answered " + event.detail.xhr.status);
        messages.appendChild(item);
        messages.hidden = false;
      }
      return;
    }
    fieldsOf(panel).forEach(function (live) {
      var twin = fresh.querySelector("#" + CSS.escape(live.id));
      if (twin) update(live, twin, sent.carried, sent.values);
    });
  });
})();

// An attachment that claims to be a picture but is not one is served as a download, so its
// preview cannot load: hide the broken picture; its name and "Download" stay.
document.addEventListener("error", function (event) {
  var el = event.target;
  if (el.tagName === "IMG" && el.closest && el.closest(".attachment.picture")) el.hidden = true;
}, true);
