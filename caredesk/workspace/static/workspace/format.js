/* Light formatting in the composer: the toolbar and its shortcuts write the same small Markdown
   an agent can type (**bold**, *italics*, "- " and "1. " lists, [text](https://...)), so the
   message box stays plain text: drafts, templates and the reply assistant see what is typed.
   Ctrl+B and Ctrl+I wrap the selection (or, with none, open a pair to type into; pressed
   again, they step out of it), Ctrl+K makes a link, Enter in a list starts the next item. */
(function () {
  "use strict";
  var text = document.getElementById("text");
  var bar = document.getElementById("format-bar");
  if (!text || !bar) return;

  // Replace text[start:end] with `value`, as typing would: undo keeps working and the form
  // hears an input event (the draft is saved, the assistant checks again).
  function put(start, end, value, selStart, selEnd) {
    text.focus();
    text.setSelectionRange(start, end);
    var done = false;
    try { done = document.execCommand("insertText", false, value); } catch (e) { done = false; }
    if (!done || text.value.slice(start, start + value.length) !== value) {
      text.setRangeText(value, start, end, "end");
      text.dispatchEvent(new Event("input", { bubbles: true }));
    }
    text.setSelectionRange(selStart, selEnd === undefined ? selStart : selEnd);
  }

  function wrap(mark) {
    var s = text.selectionStart, e = text.selectionEnd, v = text.value, n = mark.length;
    if (s === e) {
      if (v.slice(s, s + n) === mark && v.slice(0, s).split(mark).length % 2 === 0) {
        text.setSelectionRange(s + n, s + n);  // the closing mark: step out of the pair
        return;
      }
      put(s, e, mark + mark, s + n);
      return;
    }
    var chosen = v.slice(s, e);
    if (v.slice(s - n, s) === mark && v.slice(e, e + n) === mark) {
      put(s - n, e + n, chosen, s - n, e - n);  // already wrapped: unwrap
      return;
    }
    // Marks hug the words: "**word** " rather than "**word **".
    var lead = chosen.length - chosen.replace(/^\s+/, "").length;
    var trail = chosen.length - chosen.replace(/\s+$/, "").length;
    var core = chosen.slice(lead, chosen.length - trail);
    if (!core) return;
    var value = chosen.slice(0, lead) + mark + core + mark + chosen.slice(chosen.length - trail);
    put(s, e, value, s + lead + n, s + lead + n + core.length);
  }

  function lineBounds(s, e) {
    var v = text.value;
    var start = v.lastIndexOf("\n", s - 1) + 1;
    var end = v.indexOf("\n", e > s && v[e - 1] === "\n" ? e - 1 : e);
    return [start, end === -1 ? v.length : end];
  }

  var ITEM = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+/;

  function list(ordered) {
    var b = lineBounds(text.selectionStart, text.selectionEnd);
    var lines = text.value.slice(b[0], b[1]).split("\n");
    if (lines.every(function (l) { return !l.trim(); })) {  // an empty line: start a list there
      var mark = ordered ? "1. " : "- ";
      put(b[0], b[1], mark, b[0] + mark.length);
      return;
    }
    var marked = lines.every(function (l) {
      return !l.trim() || (ordered ? /^\s*\d{1,9}[.)]\s/ : /^\s*[-*+]\s/).test(l);
    });
    var number = 0;
    var out = lines.map(function (line) {
      if (!line.trim()) return line;
      var bare = line.replace(ITEM, "$1");
      if (marked) return bare;  // pressed again: the lines are no longer a list
      number += 1;
      var indent = bare.match(/^\s*/)[0];
      return indent + (ordered ? number + ". " : "- ") + bare.slice(indent.length);
    }).join("\n");
    put(b[0], b[1], out, b[0] + out.length);
  }

  function link() {
    var s = text.selectionStart, e = text.selectionEnd;
    var label = text.value.slice(s, e).trim() || "link text";
    var value = "[" + label + "](https://)";
    // The address is chosen, ready to be typed over (or the words, when there were none).
    if (s === e) put(s, e, value, s + 1, s + 1 + label.length);
    else put(s, e, value, s + label.length + 3, s + value.length - 1);
  }

  // Enter at the end of a list item starts the next one; on an empty item it ends the list.
  function continueList(event) {
    var s = text.selectionStart;
    if (s !== text.selectionEnd) return;
    var v = text.value;
    var start = v.lastIndexOf("\n", s - 1) + 1;
    var end = v.indexOf("\n", s);
    if (end === -1) end = v.length;
    if (end !== s) return;  // only at the end of the line
    var m = v.slice(start, s).match(/^(\s*)(?:([-*+])|(\d{1,9})([.)]))\s+(.*)$/);
    if (!m) return;
    event.preventDefault();
    if (!m[5].trim()) {  // an empty item: the list ends, a blank line after it
      put(start, s, "\n", start + 1);
      return;
    }
    var next = m[2] ? m[2] + " " : (parseInt(m[3], 10) + 1) + m[4] + " ";
    put(s, s, "\n" + m[1] + next, s + 1 + m[1].length + next.length);
  }

  var actions = {
    bold: function () { wrap("**"); },
    italic: function () { wrap("*"); },
    bullets: function () { list(false); },
    numbers: function () { list(true); },
    link: link,
  };

  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-format]");
    if (!button) return;
    event.preventDefault();
    actions[button.dataset.format]();
  });

  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) {
      continueList(event);
      return;
    }
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    var key = event.key.toLowerCase();
    var action = { b: "bold", i: "italic", k: "link" }[key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    actions[action]();
  });
})();
