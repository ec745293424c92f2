// The composer's template picker. Ctrl+/ (also while typing) or "t" opens it; typing searches
// the templates offered on this ticket by name or words of their text; the chosen one is shown
// rendered for this ticket, in the customer's language; Enter puts it into the message box,
// where the agent edits it before sending. Variables the ticket has no value for show as
// "[missing: ...]", and the server refuses to send a reply that still holds one.
// The composer remembers the template inserted last (a hidden field, kept in the draft) and
// says what its macro sets on send; × sends the reply without the macro. The agent's own
// "Then set" status wins over the macro's, and the line says so.
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
  var macroBox = document.getElementById("template-macro");
  var macroUsed = document.getElementById("template-used");
  var macroState = document.getElementById("template-macro-state");
  var macroSummary = document.getElementById("template-macro-summary");
  var macroDrop = document.getElementById("template-macro-drop");
  var statusAfter = document.getElementById("status_after");
  var partsScript = document.getElementById("template-macro-parts");
  var macroParts = partsScript ? JSON.parse(partsScript.textContent) : [];

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

  function showMacro() {
    if (!macroBox) return;
    var kind = document.querySelector("#composer input[name=kind]:checked");
    var note = kind && kind.value === "note";
    macroBox.hidden = note || !macroUsed.value || !macroParts.length;
    var name = macroBox.getAttribute("data-name");
    if (macroState.value === "drop") {
      macroSummary.textContent = "Not applied: the macro of \u201c" + name + "\u201d.";
      macroDrop.hidden = true;
      return;
    }
    var chosen = statusAfter && statusAfter.value && !statusAfter.disabled
      ? statusAfter.options[statusAfter.selectedIndex].text : "";
    var words = macroParts.map(function (part) {
      if (part.key === "status" && chosen) {
        return part.text + " (not applied: your \u201cThen set " + chosen + "\u201d wins)";
      }
      return part.text;
    });
    macroSummary.textContent = "On send: " + words.join(" \u00b7 ");
    macroDrop.hidden = false;
  }

  // The reply is now made from `body`'s template: it replaces any inserted before.
  function remember(body) {
    if (!macroBox) return;
    macroUsed.value = String(body.id);
    macroState.value = "";
    macroParts = body.macro || [];
    macroBox.setAttribute("data-name", body.name);
    showMacro();
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
      remember(body);
      close();
      var caret = start + body.text.length;
      text.setSelectionRange(caret, caret);
      // The composer saves its draft on input, as if the agent had typed it.
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  if (macroBox) {
    macroDrop.addEventListener("click", function () {
      macroState.value = "drop";
      showMacro();
      text.focus();
      // Saved with the draft, like anything the agent changes in the composer.
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
    if (statusAfter) statusAfter.addEventListener("change", showMacro);
    document.querySelectorAll("#composer input[name=kind]").forEach(function (radio) {
      radio.addEventListener("change", showMacro);
    });
    // Discarding the draft forgets its template too (workspace.js empties the fields).
    document.getElementById("composer").addEventListener("caredesk:discarded", function () {
      macroParts = [];
      showMacro();
    });
    showMacro();
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
