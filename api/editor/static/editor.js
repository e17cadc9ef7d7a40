/* The editor form: pickers, the checks of the editing API as the trainer types, the Markdown
   preview, and saving through the editing API (PUT with If-Match). Every rule lives in the API;
   this script only gathers the form into an item, sends it and shows what comes back. */
(function () {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const W = data.words;
  const csrf = form.dataset.csrf;
  const CHECK_DELAY = 500; // ms after the last keystroke
  let original = data.front_matter; // keys the form does not show are sent back as they were
  let etag = data.etag; // null until the item exists
  let dirty = false;
  let timer = null;
  let seq = 0; // the newest check; older answers are dropped

  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const norm = (s) => String(s || "").normalize("NFKC").toLowerCase();
  const shown = (el) => el && !el.closest("[hidden]");
  const creating = () => !etag;
  const currentId = () => $("#f-id").value.trim();

  // ---- pickers -----------------------------------------------------------------------------
  function setupPicker(fs) {
    const field = fs.dataset.field;
    const chosen = $(".chosen", fs);
    const filter = $(".picker-filter", fs);
    let values = (Array.isArray(original[field]) ? original[field] : []).map(String);
    const boxes = () => $$(".opt input", fs);
    const labelOf = (box) => $(".opt-label", box.parentElement).textContent;

    function render() {
      chosen.textContent = "";
      if (!values.length) {
        const none = document.createElement("span");
        none.className = "muted";
        none.textContent = chosen.dataset.empty;
        chosen.append(none);
      }
      for (const value of values) {
        const box = boxes().find((b) => b.value === value);
        const chip = document.createElement("span");
        chip.className = "chip chip-chosen";
        chip.dataset.value = value;
        chip.textContent = box ? labelOf(box) : value;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-x";
        remove.textContent = "×";
        remove.setAttribute("aria-label", W["picker.remove"] + " " + chip.textContent);
        remove.addEventListener("click", () => toggle(value, false));
        chip.append(remove);
        chosen.append(chip);
      }
      for (const box of boxes()) box.checked = values.includes(box.value);
    }

    function toggle(value, on) {
      values = values.filter((v) => v !== value);
      if (on) values.push(value);
      render();
      changed();
    }

    function addNew(text) {
      const group = $(".picker-new", fs);
      const label = document.createElement("label");
      label.className = "opt";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = text;
      const outer = document.createElement("span");
      const span = document.createElement("span");
      outer.className = "opt-text";
      span.className = "opt-label";
      span.textContent = text;
      outer.append(span);
      label.append(box, " ", outer);
      group.append(label);
      group.hidden = false;
      toggle(text, true);
    }

    function applyFilter() {
      const query = norm(filter.value.trim());
      for (const group of $$(".picker-group", fs)) {
        let any = false;
        for (const opt of $$(".opt", group)) {
          opt.hidden = Boolean(query) && !norm(opt.textContent + " " + (opt.dataset.terms || "")).includes(query);
          any = any || !opt.hidden;
        }
        group.hidden = !any;
      }
    }

    fs.addEventListener("change", (ev) => {
      if (ev.target.matches(".opt input")) toggle(ev.target.value, ev.target.checked);
    });
    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      ev.preventDefault(); // Enter picks; it never submits the form
      const text = filter.value.trim();
      if (!text) return;
      const exact = boxes().find((b) => norm(b.value) === norm(text) || norm(labelOf(b)) === norm(text));
      const visible = boxes().filter((b) => shown(b));
      if (exact) toggle(exact.value, true);
      else if (visible.length === 1) toggle(visible[0].value, true);
      else if (fs.dataset.free) addNew(text);
      else return;
      filter.value = "";
      applyFilter();
    });
    fs.values = () => values.slice();
    render();
    applyFilter();
  }

  // ---- the type decides which fields an item has ------------------------------------------
  function applyType() {
    const type = $("#f-type").value;
    for (const el of $$("[data-types]", form)) el.hidden = !el.dataset.types.split(" ").includes(type);
    const kind = $("#f-kind");
    const current = kind.value || kind.dataset.value;
    for (const opt of $$("option", kind).slice(1)) opt.remove();
    for (const name of data.kinds[type] || []) {
      const opt = document.createElement("option");
      opt.value = name;
      opt.textContent = data.kind_labels[name] || name;
      opt.selected = name === current;
      kind.append(opt);
    }
  }

  // ---- the item the form holds --------------------------------------------------------------
  function text(name) {
    return form.elements[name].value.trim();
  }

  function frontMatter() {
    const fm = JSON.parse(JSON.stringify(original));
    fm.id = currentId();
    fm.type = $("#f-type").value;
    setOrDrop(fm, "kind", $("#f-kind").value);
    for (const name of ["title", "title_en", "summary", "summary_en"]) fm[name] = text(name);
    const source = fm.source && typeof fm.source === "object" ? fm.source : {};
    for (const part of ["document", "title", "section"]) source[part] = text("source." + part);
    fm.source = source;
    for (const fs of $$(".picker", form)) setOrDrop(fm, fs.dataset.field, shown(fs) ? fs.values() : []);
    setOrDrop(fm, "outcome", shown($("#f-outcome")) ? $("#f-outcome").value : "");
    const review = $("#review");
    if (review) setOrDrop(fm, "review", $$("input:not(:checked)", review).map((b) => b.value));
    return fm;
  }

  function setOrDrop(fm, key, value) {
    if (value === "" || value === null || (Array.isArray(value) && !value.length)) delete fm[key];
    else fm[key] = value;
  }

  function item() {
    return { front_matter: frontMatter(), body: $("#f-body").value };
  }

  function api(method, url, body, headers) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json", Accept: "application/json",
                               "X-CSRF-Token": csrf }, headers || {}),
      body: JSON.stringify(body),
    });
  }

  async function answer(response) {
    try {
      return await response.json();
    } catch (e) {
      return { message: response.status + " " + response.statusText };
    }
  }

  // ---- problems beside the fields -----------------------------------------------------------
  function listFor(field) {
    const name = String(field || "");
    const candidates = name.startsWith("item_id") ? ["id"] : [name, name.replace(/(\.\d+)+$/, ""), name.split(".")[0]];
    for (const candidate of candidates) {
      const list = $$("[data-problems-for]", form).find((l) => l.dataset.problemsFor === candidate);
      if (list && shown(list)) return list;
    }
    return null;
  }

  // A problem in the page's language, from its code and facts (the API's message stays English);
  // the message itself for a problem the page has no words for.
  function problemText(problem) {
    const template = problem.code && W["problem." + problem.code];
    if (!template) return problem.message;
    const facts = Object.assign({ field: problem.field, line: problem.line }, problem.facts || {});
    return template.replace(/\{(\w+)\}/g, (_, name) => factText(name, facts[name]));
  }

  // Field names as the form labels them, item types as the pages name them, lists joined.
  function factText(name, value) {
    if (value === undefined || value === null) return "";
    const values = Array.isArray(value) ? value : [value];
    if (!values.length) return W["problem.none"];
    const words = values.map((v) => (name === "field" || name === "fields" ? W["field." + v]
      : name === "type" || name === "wanted" ? W["type." + v] : null) || String(v));
    return words.join(W["problem.join"]);
  }

  function showProblems(problems) {
    for (const list of $$(".problems", form)) list.textContent = "";
    for (const el of $$(".has-problem", form)) el.classList.remove("has-problem");
    const all = $("#all-problems");
    for (const problem of problems) {
      const where = problem.body_line ? W["problem.line"].replace("{n}", problem.body_line) : "";
      const text = problemText(problem);
      // A term's problem is about its picker (situations, products, tags), though lint names no key.
      const list = listFor((problem.facts && problem.facts.field) || problem.field);
      const owner = list ? list.closest("[data-field]") : null;
      if (list) {
        const li = document.createElement("li");
        li.textContent = where + text;
        list.append(li);
        if (owner) owner.classList.add("has-problem");
      }
      const li = document.createElement("li");
      const heading = owner ? $("label, legend, h2, h3", owner) : null;
      const name = document.createElement("strong");
      name.textContent = (heading ? heading.firstChild.textContent.trim()
        : W["field." + problem.field] || problem.field || W.general) + " ";
      li.append(name, where + text);
      if (owner) {
        li.classList.add("jump");
        li.addEventListener("click", () => owner.scrollIntoView({ behavior: "smooth", block: "center" }));
      }
      all.append(li);
    }
  }

  function status(message, kind) {
    const el = $("#check-status");
    el.textContent = message;
    el.className = "check-status" + (kind ? " " + kind : "");
  }

  // ---- checking as the trainer types --------------------------------------------------------
  function changed() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(check, CHECK_DELAY);
  }

  async function check() {
    const id = currentId();
    const mine = ++seq;
    if (!id) {
      status(W["check.need_id"]);
      return;
    }
    status(W["check.running"], "running");
    try {
      const response = await api("POST", "/v1/items/" + encodeURIComponent(id) + "/validate", item());
      const body = await answer(response);
      if (mine !== seq) return;
      if (response.ok) {
        showProblems(body.problems);
        status(body.valid ? W["check.ok"] : body.problems.length + " " + W["check.problems"], body.valid ? "ok" : "bad");
      } else if (response.status === 422) {
        showProblems(body.details || []);
        status((body.details || []).length + " " + W["check.problems"], "bad");
      } else {
        status(W["check.failed"] + body.message, "bad");
      }
    } catch (e) {
      if (mine === seq) status(W["check.failed"] + e.message, "bad");
    }
  }

  // ---- saving = publishing ------------------------------------------------------------------
  function result(kind, parts) {
    const box = $("#save-result");
    box.hidden = false;
    box.className = "save-result " + kind;
    box.textContent = "";
    for (const part of parts) {
      if (typeof part === "string") {
        box.append(document.createTextNode(part + " "));
      } else {
        const link = document.createElement("a");
        link.href = part.href;
        link.textContent = part.text;
        link.id = part.id || "";
        if (part.blank) {
          link.target = "_blank";
          link.rel = "noopener";
        }
        box.append(link);
      }
    }
  }

  async function save(ev) {
    ev.preventDefault();
    const id = currentId();
    if (!id) {
      status(W["check.need_id"], "bad");
      $("#f-id").focus();
      return;
    }
    clearTimeout(timer);
    seq++; // a check still on its way is out of date
    const button = $("#save");
    button.disabled = true;
    result("busy", [W.saving]);
    const body = item();
    const message = $("#f-message").value.trim();
    if (message) body.message = message;
    try {
      const response = await api("PUT", "/v1/items/" + encodeURIComponent(id), body,
                                 etag ? { "If-Match": '"' + etag + '"' } : {});
      const got = await answer(response);
      if (response.ok) saved(id, got, body.front_matter);
      else refused(id, response.status, got);
    } catch (e) {
      result("bad", [W["save.failed"] + e.message]);
    } finally {
      button.disabled = false;
    }
  }

  function saved(id, got, front) {
    const wasNew = creating();
    etag = got.etag;
    original = front;
    dirty = false;
    showProblems([]);
    status(W["check.ok"], "ok");
    if (wasNew) {
      $("#f-id").readOnly = true;
      $("#f-type").disabled = true;
      history.replaceState(null, "", "/editor/items/" + encodeURIComponent(id));
    }
    const open = { href: "/items/" + encodeURIComponent(id), text: W["saved.open"], id: "saved-open" };
    if (got.audit === "unchanged") result("ok", [W["saved.unchanged"], open]);
    else result("ok", [W.saved, got.searchable ? W["saved.searchable"] : W["saved.later"], open]);
  }

  function refused(id, code, got) {
    if (code === 412 && creating()) {
      showProblems([{ field: "id", message: W["save.exists"] }]);
      result("bad", [W["save.exists"]]);
    } else if (code === 412) {
      result("conflict", [W["save.conflict"],
        { href: "/editor/items/" + encodeURIComponent(id), text: W["save.conflict.open"], blank: true, id: "conflict-open" }]);
    } else if (code === 422) {
      showProblems(got.details || []);
      status((got.details || []).length + " " + W["check.problems"], "bad");
      result("bad", [W["save.invalid"]]);
    } else if (code === 401 || code === 403) {
      result("bad", [W["save.signin"], got.message || "",
        { href: "/editor/sign-in?next=" + encodeURIComponent(location.pathname), text: "→", blank: true }]);
    } else {
      result("bad", [W["save.failed"] + (got.message || code)]);
    }
  }

  // ---- the body: write or preview -----------------------------------------------------------
  async function preview(on) {
    $("#tab-write").classList.toggle("on", !on);
    $("#tab-preview").classList.toggle("on", on);
    $("#tab-write").setAttribute("aria-selected", String(!on));
    $("#tab-preview").setAttribute("aria-selected", String(on));
    $("#f-body").hidden = on;
    const pane = $("#body-preview");
    pane.hidden = !on;
    if (!on) return;
    const response = await fetch("/editor/preview", {
      method: "POST", credentials: "same-origin", body: $("#f-body").value,
      headers: { "Content-Type": "text/markdown", "X-CSRF-Token": csrf },
    });
    const got = await answer(response);
    if (response.ok) pane.innerHTML = got.html; // sanitised on the server, as on the item page
    else pane.textContent = got.message;
  }

  // A ticked field is no longer marked as a suggestion on the form.
  function markReviewed(box) {
    for (const el of $$('[data-field="' + box.value + '"]', form)) {
      el.classList.toggle("under-review", !box.checked);
      for (const badge of $$(".review-badge", el)) badge.hidden = box.checked;
    }
  }

  // ---- wiring ---------------------------------------------------------------------------------
  $$(".picker", form).forEach(setupPicker);
  $("#f-type").addEventListener("change", () => {
    applyType();
    changed();
  });
  applyType();
  form.addEventListener("input", (ev) => {
    if (!ev.target.matches(".picker-filter, #f-message")) changed();
  });
  form.addEventListener("change", (ev) => {
    if (ev.target.matches("#review input")) markReviewed(ev.target);
    if (ev.target.matches("select, #review input")) changed();
  });
  form.addEventListener("submit", save);
  $("#tab-write").addEventListener("click", () => preview(false));
  $("#tab-preview").addEventListener("click", () => preview(true));
  window.addEventListener("beforeunload", (ev) => {
    if (!dirty) return;
    ev.preventDefault();
    ev.returnValue = W.unsaved;
  });
  if (!creating() || currentId()) check(); // an existing item or a draft: show what lint says about it now
})();
