/* The import page: send the chosen files to POST /v1/imports (the session's CSRF token, as a save
   sends it), list the drafts that come back, and open one in the new-item form by posting its
   Markdown to /editor/draft. The drafts stay in this tab's sessionStorage, so the list is still
   there after a draft is saved and the trainer comes back for the next one. */
(function () {
  "use strict";
  const form = document.getElementById("import-form");
  if (!form) return;
  const W = JSON.parse(document.getElementById("import-words").textContent);
  const csrf = form.dataset.csrf;
  const STORE = "casebook.import"; // sessionStorage key: the last answer of /v1/imports
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function status(message, kind) {
    $("import-status").textContent = message;
    $("import-status").className = "check-status" + (kind ? " " + kind : "");
  }

  function open(draft) {
    $("draft-markdown").value = draft.markdown;
    $("draft-form").submit();
  }

  function show(result, earlier) {
    const drafts = result.drafts || [];
    const problems = result.problems || [];
    const unplaced = result.unplaced || [];
    $("import-result").hidden = false;
    $("import-heading").textContent = (earlier ? W["import.earlier"] + " · " : "") + drafts.length + " " + W["import.drafts"];
    const list = $("import-drafts");
    list.textContent = "";
    drafts.forEach((draft, n) => {
      const li = el("li", "import-draft");
      li.dataset.id = draft.id;
      const text = el("div", "import-draft-text");
      text.append(el("strong", "import-draft-title", draft.title), " ", el("code", "muted", draft.id));
      text.append(el("div", "muted", W["import.document"] + draft.document));
      const review = draft.review && draft.review.length
        ? W["import.review"] + draft.review.map((name) => W["field." + name] || name).join(", ") : W["import.reviewed"];
      text.append(el("div", "import-draft-review", review));
      if (draft.repeats && draft.repeats.length) {
        const repeats = el("div", "import-draft-repeats", W["import.repeats"]);
        draft.repeats.forEach((id, k) => {
          const link = el("a", "", id);
          link.href = "/items/" + encodeURIComponent(id);
          link.target = "_blank";
          repeats.append(k ? ", " : "", link);
        });
        text.append(repeats);
      }
      const button = el("button", "btn btn-sm", W["import.open"]);
      button.type = "button";
      button.id = "open-draft-" + (n + 1);
      button.addEventListener("click", () => open(draft));
      li.append(text, button);
      list.append(li);
    });
    $("import-problems").hidden = !problems.length;
    const plist = $("import-problem-list");
    plist.textContent = "";
    for (const p of problems) {
      const li = el("li");
      li.append(el("strong", "", p.document + " "), W["import.reason." + p.reason] || p.message);
      plist.append(li);
    }
    $("import-unplaced").hidden = !unplaced.length;
    const ulist = $("import-unplaced-list");
    ulist.textContent = "";
    for (const u of unplaced) {
      ulist.append(el("h4", "", u.document), el("pre", "import-unplaced-text", u.text));
    }
  }

  function failed(got) {
    status(W["import.failed"] + (got.message || ""), "bad");
    // The list of an earlier upload must not stay under this failure, as if it were its result.
    $("import-result").hidden = true;
    if (got.details && got.details.length) {
      show({ drafts: [], problems: got.details.map((d) => ({ document: d.field || "", reason: d.code, message: d.message })) });
    }
  }

  async function upload(ev) {
    ev.preventDefault();
    const files = $("import-files").files;
    if (!files.length) {
      status(W["import.none_chosen"], "bad");
      return;
    }
    // The server refuses an upload over its limit (413) only after receiving all of it: say so first.
    const size = Array.from(files).reduce((sum, file) => sum + file.size, 0);
    const limit = Number(form.dataset.maxBytes);
    if (limit && size > limit) {
      const mb = (bytes) => (bytes / 1048576).toFixed(1);
      failed({ message: W["import.too_big"].replace("{size}", mb(size)).replace("{limit}", mb(limit)) });
      return;
    }
    const body = new FormData();
    for (const file of files) body.append("files", file, file.name);
    $("import-submit").disabled = true;
    status(W["import.running"], "running");
    try {
      const response = await fetch("/v1/imports", {
        method: "POST", credentials: "same-origin", body: body,
        headers: { Accept: "application/json", "X-CSRF-Token": csrf },
      });
      let got;
      try {
        got = await response.json();
      } catch (e) {
        got = { message: response.status + " " + response.statusText };
      }
      if (!response.ok) {
        failed(got);
        return;
      }
      status("");
      try {
        sessionStorage.setItem(STORE, JSON.stringify(got));
      } catch (e) { /* a full store only loses the list on the way back */ }
      show(got, false);
    } catch (e) {
      $("import-result").hidden = true;
      status(W["import.failed"] + e.message, "bad");
    } finally {
      $("import-submit").disabled = false;
    }
  }

  form.addEventListener("submit", upload);
  try {
    const kept = sessionStorage.getItem(STORE);
    if (kept) show(JSON.parse(kept), true);
  } catch (e) { /* nothing kept */ }
})();
