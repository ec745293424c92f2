// The composer's template picker. Ctrl+/ (also while typing) or "t" opens it; typing searches
// the templates offered on this ticket by name or words of their text; the chosen one is shown
// rendered for this ticket, in the customer's language; Enter puts it into the message box,
// where the agent edits it before sending. Variables the ticket has no value for show as
// "[missing: ...]", and the server refuses to send a reply that still holds one.
(function () {
  "use strict";
  var opener = document.getElementById("template-open");
  var dialog = document.getElementById("template-picker");
  var text = document.getElementById("text");
  if (!opener || !dialog || !text || !dialog.showModal) return;
  var query = document.getElementById("template-q");
  var results = document.getElementById("template-results");
  var none = document.getElementById("template-none");
  var preview = document.getElementById("template-preview");
  var missing = document.getElementById("template-missing");
  var insertButton = document.getElementById("template-insert");
  var listUrl = opener.getAttribute("data-list-url");
  var items = [];
  var chosen = -1;
  var shown = null; // the preview on screen: {id, text, missing}
  var searchTimer = null;
  var searchSeq = 0;
  var previewSeq = 0;

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.error || "the server refused (" + r.status + ")");
          return body;
        });
      });
  }

  function open() {
    if (dialog.open) return;
    dialog.showModal();
    query.focus();
    query.select();
    search();
  }

  function close() {
    if (dialog.open) dialog.close();
    text.focus();
  }

  function search() {
    var seq = ++searchSeq;
    getJson(listUrl + "?q=" + encodeURIComponent(query.value)).then(function (body) {
      if (seq !== searchSeq) return; // a later search is on its way
      items = body.templates;
      results.textContent = "";
      items.forEach(function (t, i) {
        var li = document.createElement("li");
        li.id = "template-option-" + t.id;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = t.name;
        var langs = document.createElement("small");
        langs.textContent = t.languages.join(", ");
        li.appendChild(langs);
        li.addEventListener("click", function () { choose(i); });
        li.addEventListener("dblclick", function () { choose(i); insert(); });
        results.appendChild(li);
      });
      none.hidden = items.length > 0;
      choose(items.length ? 0 : -1);
    }).catch(showError);
  }

  function choose(i) {
    chosen = i;
    Array.prototype.forEach.call(results.children, function (li, n) {
      li.setAttribute("aria-selected", n === i ? "true" : "false");
      if (n === i) li.scrollIntoView({ block: "nearest" });
    });
    query.setAttribute("aria-activedescendant", i >= 0 ? "template-option-" + items[i].id : "");
    shown = null;
    insertButton.disabled = true;
    missing.hidden = true;
    preview.textContent = "";
    if (i < 0) return null;
    return loadPreview(items[i]);
  }

  function loadPreview(item) {
    var seq = ++previewSeq;
    return getJson(item.preview_url).then(function (body) {
      if (seq !== previewSeq) return null;
      shown = body;
      preview.textContent = body.text;
      preview.setAttribute("lang", body.language || "");
      if (body.missing.length) {
        missing.textContent = "This ticket has no value for " + body.missing.join(", ") +
          ": fill in the [missing: ...] parts before sending.";
        missing.hidden = false;
      }
      insertButton.disabled = false;
      return body;
    }).catch(showError);
  }

  function showError(error) {
    missing.textContent = String(error.message || error);
    missing.hidden = false;
  }

  function insert() {
    if (chosen < 0) return;
    var ready = shown && shown.id === items[chosen].id
      ? Promise.resolve(shown) : loadPreview(items[chosen]);
    ready.then(function (body) {
      if (!body) return;
      var start = text.selectionStart, end = text.selectionEnd, value = text.value;
      if (typeof start !== "number") { start = end = value.length; }
      text.value = value.slice(0, start) + body.text + value.slice(end);
      close();
      var caret = start + body.text.length;
      text.setSelectionRange(caret, caret);
      // The composer saves its draft on input, as if the agent had typed it.
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  opener.addEventListener("click", open);
  document.getElementById("template-close").addEventListener("click", close);
  insertButton.addEventListener("click", insert);
  query.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 150);
  });
  query.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!items.length) return;
      var step = event.key === "ArrowDown" ? 1 : -1;
      choose((chosen + step + items.length) % items.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      insert();
    }
  });
  dialog.addEventListener("keydown", function (event) { event.stopPropagation(); });

  document.addEventListener("keydown", function (event) {
    if (dialog.open) return;
    var ctrlSlash = (event.ctrlKey || event.metaKey) && !event.altKey && event.key === "/";
    var plainT = event.key === "t" && !event.ctrlKey && !event.metaKey && !event.altKey &&
      !typing(event);
    if (!ctrlSlash && !plainT) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    open();
  }, true);
})();
