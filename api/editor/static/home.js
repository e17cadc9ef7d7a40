/* The editor's list of items: the filter box hides rows that do not match. */
(function () {
  "use strict";
  const box = document.getElementById("item-filter");
  if (!box) return;
  const norm = (s) => String(s || "").normalize("NFKC").toLowerCase();
  box.addEventListener("input", () => {
    const query = norm(box.value.trim());
    for (const section of document.querySelectorAll(".editor-list")) {
      let any = false;
      for (const row of section.querySelectorAll(".editor-row")) {
        row.hidden = Boolean(query) && !norm(row.dataset.filter).includes(query);
        any = any || !row.hidden;
      }
      section.hidden = !any;
    }
  });
})();
