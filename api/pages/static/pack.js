/* casebook session pack: kept in localStorage, edited on /pack, exported by posting it to the server. */
(function () {
  "use strict";
  var KEY = "casebook.pack.v1";
  var body = document.body;
  var lang = body.dataset.lang || "zh";

  // A pack: {title, audience, date, items: [{id, note, type, title, title_en}]}; packs saved before
  // the pack file existed wrote `notes`.
  function normalise(pack) {
    pack.title = typeof pack.title === "string" ? pack.title : "";
    pack.audience = typeof pack.audience === "string" ? pack.audience : "";
    pack.date = typeof pack.date === "string" ? pack.date : "";
    pack.items = pack.items.filter(function (e) { return e && typeof e.id === "string"; });
    pack.items.forEach(function (e) {
      if (typeof e.note !== "string") e.note = typeof e.notes === "string" ? e.notes : "";
      delete e.notes;
    });
    return pack;
  }

  function empty() { return { title: "", audience: "", date: "", items: [] }; }

  function load() {
    try {
      var pack = JSON.parse(localStorage.getItem(KEY) || "null");
      if (pack && Array.isArray(pack.items)) return normalise(pack);
    } catch (e) { /* a damaged pack starts again empty */ }
    return empty();
  }

  var pack = load();

  function save() {
    localStorage.setItem(KEY, JSON.stringify(pack));
    refreshBadges();
  }

  function indexOf(id) {
    for (var i = 0; i < pack.items.length; i++) { if (pack.items[i].id === id) return i; }
    return -1;
  }

  function refreshBadges() {
    var count = document.getElementById("pack-count");
    if (count) { count.textContent = String(pack.items.length); count.dataset.n = String(pack.items.length); }
    document.querySelectorAll(".pack-add").forEach(function (button) {
      var on = indexOf(button.dataset.id) >= 0;
      button.classList.toggle("on", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? body.dataset.added : body.dataset.add;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".pack-add");
    if (!button) return;
    var at = indexOf(button.dataset.id);
    if (at >= 0) {
      pack.items.splice(at, 1);
    } else {
      pack.items.push({ id: button.dataset.id, type: button.dataset.type, title: button.dataset.title,
                        title_en: button.dataset.titleEn, note: "" });
    }
    save();
  });

  // Another tab changed the pack: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    pack = load();
    refreshBadges();
    renderEditor();
  });

  /* ---- the editor on /pack ---------------------------------------------------------------- */

  var app = document.getElementById("pack-app");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function iconButton(cls, label, glyph, disabled, onClick) {
    var button = el("button", { type: "button", "class": "icon-btn " + cls, title: label, "aria-label": label }, glyph);
    button.disabled = disabled;
    button.addEventListener("click", onClick);
    return button;
  }

  function move(from, to) {
    var entry = pack.items.splice(from, 1)[0];
    pack.items.splice(to, 0, entry);
    save();
    renderEditor();
  }

  function renderEditor() {
    if (!app) return;
    var words = app.dataset;
    var list = document.getElementById("pack-list");
    [["pack-title", "title"], ["pack-audience", "audience"], ["pack-date", "date"]].forEach(function (field) {
      var input = document.getElementById(field[0]);
      if (document.activeElement !== input) input.value = pack[field[1]];
    });
    document.getElementById("pack-size").textContent = String(pack.items.length);
    document.getElementById("pack-empty").hidden = pack.items.length > 0;
    document.getElementById("pack-actions").hidden = pack.items.length === 0;
    document.getElementById("pack-save").hidden = pack.items.length === 0;
    list.textContent = "";
    pack.items.forEach(function (entry, i) {
      var row = el("li", { "class": "pack-row", "data-id": entry.id });
      var head = el("div", { "class": "row-head" });
      head.appendChild(el("span", { "class": "row-num" }, String(i + 1)));
      var type = entry.type || "case";
      head.appendChild(el("span", { "class": "badge badge-" + type }, words["type" + type[0].toUpperCase() + type.slice(1)] || type));
      var link = el("a", { "class": "row-title", href: "/items/" + encodeURIComponent(entry.id) },
                    (lang === "en" ? entry.title_en : entry.title) || entry.id);
      head.appendChild(link);
      var tools = el("span", { "class": "row-tools" });
      tools.appendChild(iconButton("up", words.up, "↑", i === 0, function () { move(i, i - 1); }));
      tools.appendChild(iconButton("down", words.down, "↓", i === pack.items.length - 1, function () { move(i, i + 1); }));
      tools.appendChild(iconButton("remove", words.remove, "✕", false, function () {
        pack.items.splice(i, 1); save(); renderEditor();
      }));
      head.appendChild(tools);
      row.appendChild(head);
      var label = el("label", { "class": "row-notes" }, words.notes);
      var notes = el("textarea", { "class": "notes", rows: "2", maxlength: "4000", placeholder: words.notesPlaceholder });
      notes.value = entry.note || "";
      notes.addEventListener("input", function () { entry.note = notes.value; save(); });
      label.appendChild(notes);
      row.appendChild(label);
      list.appendChild(row);
    });
  }

  // The pack file: what every export and "Save pack file" post, and what `casebook pack` reads.
  function exportPayload() {
    return JSON.stringify({ title: pack.title, audience: pack.audience, date: pack.date,
                            items: pack.items.map(function (e) { return { id: e.id, note: e.note || "" }; }) });
  }

  function showFileError(message) {
    var box = document.getElementById("pack-file-error");
    box.textContent = message ? app.dataset.openError + " " + message : "";
    box.hidden = !message;
  }

  // The server checks the file (fields, item ids) and adds each item's type and titles for the list.
  function openFile(file) {
    file.text().then(function (text) {
      return fetch("/pack/open", { method: "POST", headers: { "Content-Type": "application/json" }, body: text });
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.message || String(response.status));
        return answer;
      });
    }).then(function (opened) {
      if (pack.items.length && !window.confirm(app.dataset.replace)) return;
      pack = normalise(opened);
      save();
      renderEditor();
      showFileError("");
    }).catch(function (error) { showFileError(error.message); });
  }

  if (app) {
    [["pack-title", "title"], ["pack-audience", "audience"], ["pack-date", "date"]].forEach(function (field) {
      document.getElementById(field[0]).addEventListener("input", function (event) {
        pack[field[1]] = event.target.value; save();
      });
    });
    var picker = document.getElementById("pack-open");
    picker.addEventListener("change", function () {
      if (picker.files.length) openFile(picker.files[0]);
      picker.value = "";
    });
    document.querySelectorAll("form.pack-export").forEach(function (form) {
      form.addEventListener("submit", function () { form.elements.pack.value = exportPayload(); });
    });
    document.getElementById("pack-clear").addEventListener("click", function () {
      if (window.confirm(app.dataset.confirm)) { pack = empty(); save(); renderEditor(); }
    });
    renderEditor();
  }
  refreshBadges();
})();
