// The system email editor: the preview follows what the admin types, and the shipped text
// follows the email and language chosen. Without this script the page shows the preview and
// the shipped text of what was last saved or prefilled, and saving works the same.
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function ready() {
    var data = JSON.parse(byId("system-emails-data").textContent);
    var form = byId("systememail_form");
    if (!data || !form) {
      return;
    }
    var fields = ["kind", "mailbox", "language", "subject", "body"].reduce(function (all, name) {
      all[name] = form.elements.namedItem(name);
      return all;
    }, {});
    var timer = null;
    var asked = 0;

    function shipped() {
      var kind = data.kinds[fields.kind.value] || {};
      var texts = kind.shipped || {};
      return texts[fields.language.value] || texts[data.last_resort] || { subject: "", body: "" };
    }

    function showKind() {
      var kind = data.kinds[fields.kind.value];
      if (!kind) {
        return;
      }
      byId("system-email-why").textContent = kind.why;
      byId("system-email-variable-list").textContent = kind.variables
        .map(function (name) { return "{{ " + name + " }}"; })
        .join(", ");
      var text = shipped();
      byId("system-email-shipped-subject").textContent = text.subject;
      byId("system-email-shipped-body").textContent = text.body;
    }

    function preview() {
      var body = new FormData();
      ["kind", "mailbox", "language", "subject", "body"].forEach(function (name) {
        body.append(name, fields[name] ? fields[name].value : "");
      });
      body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
      var mine = ++asked;
      fetch(data.preview_url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (shown) {
          if (mine !== asked) {
            return; // an answer to an older keystroke
          }
          byId("system-email-preview-subject").textContent = shown.subject;
          byId("system-email-preview-body").textContent = shown.body;
          var problems = byId("system-email-problems");
          problems.replaceChildren();
          shown.problems.forEach(function (text) {
            var item = document.createElement("li");
            item.textContent = text;
            problems.appendChild(item);
          });
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(preview, 250);
    }

    ["subject", "body"].forEach(function (name) {
      fields[name].addEventListener("input", later);
    });
    ["kind", "mailbox", "language"].forEach(function (name) {
      if (fields[name]) {
        fields[name].addEventListener("change", function () { showKind(); later(); });
      }
    });
    byId("system-email-use-shipped").addEventListener("click", function () {
      var text = shipped();
      fields.subject.value = text.subject;
      fields.body.value = text.body;
      preview();
    });
    showKind();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
