// The reply assistant: while the agent writes a reply, the draft is checked 600 ms after they
// stop typing and the findings are listed under it, each with why and a suggested fix. It is
// advice: sending is never held back by it. Without script the composer works as before.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  var panel = document.getElementById("assistant");
  if (!form || !panel) return;
  var list = document.getElementById("assistant-findings");
  var grade = document.getElementById("assistant-grade");
  var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  var textarea = form.elements.text;
  var timer = null;
  var asked = 0; // answers to older drafts that arrive late are dropped
  var labels = {
    readability: "Readability", jargon: "Jargon", blame: "Blame", empathy: "Empathy",
    personal: "Personal", clarity: "Clarity"
  };

  function isNote() {
    var kind = form.querySelector("input[name=kind]:checked");
    return kind && kind.value === "note";
  }

  function render(answer) {
    list.textContent = "";
    var score = answer.readability.score;
    grade.textContent = score === null ? "" :
      answer.readability.formula + ": " + score + " (" + answer.readability.label + ")";
    answer.findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = "finding finding-" + f.type;
      item.setAttribute("data-type", f.type);
      var head = document.createElement("strong");
      head.textContent = labels[f.type] || f.type;
      var quote = document.createElement("q");
      quote.textContent = f.excerpt.length > 80 ? f.excerpt.slice(0, 77) + "…" : f.excerpt;
      var why = document.createElement("span");
      why.className = "why";
      why.textContent = f.why;
      var fix = document.createElement("span");
      fix.className = "fix";
      fix.textContent = f.fix;
      item.append(head, " ", quote, " ", why, " ", fix);
      list.appendChild(item);
    });
    if (!answer.findings.length) {
      var none = document.createElement("li");
      none.textContent = "Nothing to flag.";
      list.appendChild(none);
    }
    panel.setAttribute("data-count", String(answer.findings.length));
    panel.hidden = false;
  }

  function check() {
    timer = null;
    if (isNote() || !textarea.value.trim()) {
      panel.hidden = true;
      list.textContent = "";
      return;
    }
    var mine = ++asked;
    fetch(panel.getAttribute("data-check-url"), {
      method: "POST",
      body: new URLSearchParams({ text: textarea.value }),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    }).then(function (response) {
      if (!response.ok) return null;
      return response.json();
    }).then(function (answer) {
      if (answer && mine === asked) render(answer);
    }).catch(function () { /* advice only: a failed check leaves the last findings */ });
  }

  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 600);
  }

  textarea.addEventListener("input", later);
  form.querySelectorAll("input[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", later);
  });
  if (textarea.value.trim()) later();
})();
