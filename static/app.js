/* Small enhancements of pages that work without it: facet checkboxes apply at once, a filter box
   for long facet lists, copy buttons for citations, next/previous match keys. No framework. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // -- the filters panel: open on wide screens, folded on phones -------------------------------
  function filtersPanel() {
    var panel = document.querySelector("details.filters-panel");
    if (!panel || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 760px)");
    var sync = function () { panel.open = !narrow.matches; };
    sync();
    if (narrow.addEventListener) narrow.addEventListener("change", sync);
  }

  // -- facet form: a ticked box is a new search; empty fields stay out of the URL ----------------
  var FOCUS_KEY = "facet-focus";
  var lastPointer = 0;
  document.addEventListener("pointerdown", function () { lastPointer = Date.now(); }, true);

  function cleanSubmit(form) {
    // the form's state as a URL without blank fields (the same URL the server would redirect to)
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    var qs = params.toString();
    window.location.assign(form.getAttribute("action") + (qs ? "?" + qs : ""));
  }

  function facetForm() {
    var form = document.querySelector("form.facet-form");
    if (!form) return;
    form.addEventListener("change", function (ev) {
      var el = ev.target;
      if (el.type !== "checkbox" && el.type !== "radio") return;
      try {
        sessionStorage.setItem(FOCUS_KEY, JSON.stringify({
          name: el.name, value: el.value, keyboard: Date.now() - lastPointer > 800
        }));
      } catch (e) { /* storage may be off: focus is then simply not restored */ }
      cleanSubmit(form);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      cleanSubmit(form);
    });
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null"); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { saved = null; }
    if (saved) {
      var inputs = form.querySelectorAll("input[name]");
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].name === saved.name && inputs[i].value === saved.value) {
          var more = inputs[i].closest("details.more");
          if (more) more.open = true;
          inputs[i].focus({ preventScroll: !saved.keyboard });
          break;
        }
      }
    }
  }

  // -- a filter box over a list of names (long facets, the partner and topic index) -------------
  function filterBox(input, items, onQuery, emptyNote) {
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (li) {
        var hit = !q || (li.getAttribute("data-names") || li.textContent).toLowerCase().indexOf(q) !== -1;
        li.hidden = !hit;
        if (hit) shown++;
      });
      if (onQuery) onQuery(q);
      if (emptyNote) emptyNote.hidden = shown > 0;
    });
  }

  function facetFilters() {
    var sets = document.querySelectorAll("fieldset.facet[data-facet]");
    Array.prototype.forEach.call(sets, function (fs) {
      var more = fs.querySelector("details.more");
      if (!more) return;
      var id = "ff-" + fs.getAttribute("data-facet");
      var wrap = document.createElement("div");
      wrap.className = "facet-filter";
      var label = document.createElement("label");
      label.htmlFor = id;
      label.className = "visually-hidden";
      label.textContent = root.getAttribute("data-find-label") || "Find";
      var input = document.createElement("input");
      input.type = "search";
      input.id = id;
      input.autocomplete = "off";
      input.placeholder = label.textContent;
      var note = document.createElement("p");
      note.className = "hint";
      note.hidden = true;
      note.textContent = root.getAttribute("data-none-label") || "";
      wrap.appendChild(label);
      wrap.appendChild(input);
      wrap.appendChild(note);
      var legend = fs.querySelector("legend");
      legend.parentNode.insertBefore(wrap, legend.nextSibling);
      var items = Array.prototype.slice.call(fs.querySelectorAll("li[data-names]"));
      filterBox(input, items, function (q) { if (q) more.open = true; }, note);
    });
    var browse = document.querySelector(".browse-filter");
    if (browse) {
      browse.hidden = false;
      var items = Array.prototype.slice.call(document.querySelectorAll(browse.getAttribute("data-filter-target")));
      filterBox(browse.querySelector("input"), items, function () {
        document.querySelectorAll(".browse-grid section").forEach(function (sec) {
          var visible = sec.querySelectorAll("li:not([hidden])").length;
          sec.hidden = visible === 0;
        });
      });
    }
  }

  // -- citations: a copy button next to each --------------------------------------------------
  function copyButtons() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var el = document.getElementById(btn.getAttribute("data-copy"));
        if (!el) return;
        var text = el.textContent.trim();
        var done = function () {
          var old = btn.textContent;
          btn.textContent = root.getAttribute("data-copied-label") || "Copied";
          setTimeout(function () { btn.textContent = old; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { selectText(el); });
        } else {
          selectText(el);
          try { if (document.execCommand("copy")) done(); } catch (e) { /* the text stays selected */ }
        }
      });
    });
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // -- next / previous match on the document page ---------------------------------------------
  function matchNav() {
    var nav = document.querySelector(".matchnav[data-matches]");
    if (!nav) return;
    var matches = nav.getAttribute("data-matches").split(" ").map(Number);
    function current() {
      var m = /^#p-(\d+)$/.exec(location.hash);
      if (m) {
        var n = Number(m[1]);
        var i = matches.indexOf(n);
        if (i !== -1) return i;
        // between matches: the last match before it
        var before = -1;
        matches.forEach(function (x, k) { if (x < n) before = k; });
        return before + 0.5;
      }
      return -0.5;
    }
    function go(step) {
      var c = current();
      var i = step > 0 ? Math.floor(c) + 1 : Math.ceil(c) - 1;
      if (i < 0) i = matches.length - 1;
      if (i >= matches.length) i = 0;
      var target = document.getElementById("p-" + matches[i]);
      if (!target) return;
      history.pushState(null, "", "#p-" + matches[i]);
      target.scrollIntoView({ block: "start" });
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      document.querySelectorAll(".passage.current").forEach(function (p) { p.classList.remove("current"); });
      target.classList.add("current");
    }
    nav.querySelectorAll("[data-step]").forEach(function (a) {
      var step = a.getAttribute("data-step");
      if (step === "first") return;
      a.addEventListener("click", function (ev) { ev.preventDefault(); go(step === "next" ? 1 : -1); });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var tag = (ev.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || ev.target.isContentEditable) return;
      if (ev.key === "n") go(1);
      else if (ev.key === "p") go(-1);
    });
  }

  ready(function () {
    filtersPanel();
    facetForm();
    facetFilters();
    copyButtons();
    matchNav();
  });
})();
