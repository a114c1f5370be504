/* The claim desk: keyboard shortcuts, citing a selected passage, and help, over the claim page and the
 * review queue. Every action is a plain form or link underneath (htmx posts them in place); without
 * this script the page works as before, with full reloads. Keys are ignored while typing in a field.
 */
(function () {
  "use strict";

  // key -> what it does on the claim page: click a link or button, submit a form, or focus a field.
  var KEYS = {
    j: { click: "#desk-next, .fc-queue-row.fc-current a.fc-open" },
    k: { click: "#desk-previous" },
    a: { submit: "#assign-form", unavailable: "assign" },
    s: { submit: "#submit-form", unavailable: "submit" },
    y: { submit: "#approve-form", unavailable: "approve" },
    r: { focus: "#id_return_comment", unavailable: "return" },
    d: { focus: "#id_dismiss_reason", unavailable: "dismiss" },
    e: { focus: "#evidence-form [name=url]" },
    "/": { focus: "#desk-search" },
    "1": { verdict: 0 },
    "2": { verdict: 1 },
    "3": { verdict: 2 },
  };
  var pendingFocus = null; // a field to focus once the page part an action answers with is in place

  function typing(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return !/^(submit|button|checkbox|radio|reset|hidden)$/i.test(element.type);
  }

  function say(text) {
    var box = document.getElementById("desk-say");
    if (!box) {
      box = document.createElement("div");
      box.id = "desk-say";
      box.className = "fc-say";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(function () { box.hidden = true; }, 6000);
  }

  function why(name) {
    var reason = document.querySelector('.fc-unavailable[data-action="' + name + '"] .fc-why');
    return reason ? reason.textContent.trim() : "";
  }

  function ready(element) {
    // A key may come before htmx has gone over a part it just swapped in: have it do so now.
    if (window.htmx && element.closest("[hx-boost]")) window.htmx.process(element);
    return element;
  }

  function submit(form) {
    ready(form);
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }

  function setVerdict(index) {
    var form = document.getElementById("verdict-form");
    if (!form) return say(why("verdict") || "Only the claim's assignee can set the verdict, while the claim is in progress.");
    var radios = form.querySelectorAll("input[type=radio][name=verdict]");
    if (!radios[index]) return;
    radios[index].checked = true;
    pendingFocus = "#id_note";
    submit(form);
  }

  function helpDialog() {
    var dialog = document.getElementById("desk-help");
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  function run(key) {
    if (key === "?") return helpDialog(), true;
    if (key === "c") return citeSelection(null), true;
    var todo = KEYS[key];
    if (!todo) return false;
    if (todo.verdict !== undefined) return setVerdict(todo.verdict), true;
    var selector = todo.click || todo.submit || todo.focus;
    var target = document.querySelector(selector);
    if (!target) {
      var reason = todo.unavailable ? why(todo.unavailable) : "";
      if (reason || todo.unavailable) say(reason || "Not available on this claim now.");
      return Boolean(reason || todo.unavailable);
    }
    if (todo.click) ready(target).click();
    else if (todo.submit) submit(target);
    else { target.focus(); if (target.select && target.type !== "select-one") target.select(); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && typing(target) && target.form) {
      event.preventDefault();
      submit(target.form);
      return;
    }
    if (event.key === "Escape" && typing(target)) { target.blur(); return; }
    if (typing(target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]") && event.key !== "?") return;
    if (queueKey(event.key)) { event.preventDefault(); return; }
    if (run(event.key)) event.preventDefault();
  });

  // --- The review queue and lists: j / k move a cursor over the rows, Enter or o opens, y approves ---

  function queueRows() {
    // The review queue's rows, or the claim list's (where "my open work" is a filter).
    return Array.prototype.slice.call(document.querySelectorAll(".fc-queue-row, #result_list tbody tr"));
  }

  function opener(row) {
    return row.querySelector("a.fc-open") || row.querySelector("th a");
  }

  function queueKey(key) {
    var rows = queueRows();
    if (!rows.length) return false;
    var at = rows.findIndex(function (row) { return row.classList.contains("fc-current"); });
    if (key === "j" || key === "k") {
      var next = Math.max(0, Math.min(rows.length - 1, at + (key === "j" ? 1 : -1)));
      if (at < 0) next = 0;
      rows.forEach(function (row) { row.classList.remove("fc-current"); row.removeAttribute("aria-current"); });
      rows[next].classList.add("fc-current");
      rows[next].setAttribute("aria-current", "true");
      rows[next].scrollIntoView({ block: "nearest" });
      return true;
    }
    if (key === "Enter" && document.activeElement && document.activeElement !== document.body) return false;
    if (at < 0 && !rows[0].classList.contains("fc-queue-row")) return false; // the list: j first
    var current = rows[at < 0 ? 0 : at];
    if (key === "Enter" || key === "o") { ready(opener(current)).click(); return true; }
    if (key === "y") {
      var approve = current.querySelector("form.fc-queue-approve");
      if (approve) submit(approve);
      else say(current.classList.contains("fc-queue-row") ? "Open this claim to approve it." : "Approve from the review queue or the claim's page.");
      return true;
    }
    return false;
  }

  // --- Citing a selected passage ---------------------------------------------------------------

  function citableOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".fc-citable") : null;
  }

  function codePoints(text) {
    return Array.from(text).length; // the server counts characters, not UTF-16 units
  }

  function selectedPassage() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    var box = citableOf(range.startContainer);
    if (!box || box !== citableOf(range.endContainer)) return null;
    var before = document.createRange();
    before.setStart(box, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var text = range.toString();
    var start = Number(box.dataset.start) + codePoints(before.toString());
    // Leave out the blanks at either end of the selection.
    var lead = codePoints(text) - codePoints(text.replace(/^\s+/, ""));
    var trimmed = text.trim();
    if (!trimmed) return null;
    start += lead;
    return {
      document: box.dataset.document,
      title: box.dataset.title || "",
      start: start,
      end: start + codePoints(trimmed),
      excerpt: trimmed,
      own: box.dataset.own === "1", // the claim's own article: a passage of it can only give context
      box: box,
      rect: range.getBoundingClientRect(),
    };
  }

  function citeMenu() {
    return document.getElementById("cite-menu");
  }

  function hideCiteMenu() {
    var menu = citeMenu();
    if (menu) menu.hidden = true;
  }

  function showCiteMenu(passage) {
    if (!document.getElementById("cite-form")) return;
    var menu = citeMenu();
    if (!menu) {
      menu = document.createElement("div");
      menu.id = "cite-menu";
      menu.className = "fc-cite-menu";
      menu.setAttribute("role", "group");
      menu.setAttribute("aria-label", "Cite the selected passage");
      var label = document.createElement("span");
      label.textContent = "Cite as ";
      menu.appendChild(label);
      [["supports", "Supports"], ["refutes", "Refutes"], ["context", "Context"]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.dataset.stance = pair[0];
        button.textContent = pair[1];
        button.addEventListener("mousedown", function (event) { event.preventDefault(); });
        button.addEventListener("click", function () { citeSelection(pair[0]); });
        menu.appendChild(button);
      });
      document.body.appendChild(menu);
    }
    Array.prototype.forEach.call(menu.querySelectorAll("button"), function (button) {
      button.hidden = passage.own && button.dataset.stance !== "context";
    });
    menu.hidden = false;
    menu.style.top = window.scrollY + passage.rect.bottom + 6 + "px";
    menu.style.left = window.scrollX + Math.max(8, passage.rect.left) + "px";
  }

  function defaultStance() {
    var stance = document.querySelector("#evidence-form [name=stance]");
    return (stance && stance.value) || "context";
  }

  function citeSelection(stance) {
    var form = document.getElementById("cite-form");
    var passage = selectedPassage();
    if (!form) return say("Only the claim's assignee can add evidence, while the claim is in progress.");
    if (!passage) return say("Select words in a paragraph of an article first, then cite them.");
    form.querySelector("[name=stance]").value = passage.own ? "context" : stance || defaultStance();
    form.querySelector("[name=document]").value = passage.document;
    form.querySelector("[name=start]").value = passage.start;
    form.querySelector("[name=end]").value = passage.end;
    form.querySelector("[name=excerpt]").value = passage.excerpt.slice(0, 4000);
    form.querySelector("[name=title]").value = passage.title.slice(0, 500);
    hideCiteMenu();
    window.getSelection().removeAllRanges();
    submit(form);
  }

  document.addEventListener("mouseup", function () {
    window.setTimeout(function () {
      var passage = selectedPassage();
      if (passage) showCiteMenu(passage);
      else hideCiteMenu();
    }, 0);
  });

  // --- After an answer is swapped in -------------------------------------------------------------

  var lastPath = window.location.pathname;
  document.addEventListener("htmx:afterSettle", function () {
    if (pendingFocus) {
      var field = document.querySelector(pendingFocus);
      pendingFocus = null;
      if (field) field.focus();
    }
    if (window.location.pathname !== lastPath) {
      lastPath = window.location.pathname;
      window.scrollTo(0, 0);
    }
    hideCiteMenu();
  });
  document.addEventListener("htmx:responseError", function (event) {
    say("The server could not do that (" + event.detail.xhr.status + "). Nothing you typed is lost: try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    say("The server did not answer: check the connection and try again. Nothing you typed is lost.");
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("#desk-help-button")) helpDialog();
  });
})();
