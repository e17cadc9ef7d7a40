/* casebook feedback: tell the server which item of an answer was opened, and which was used (added
   to the session pack). Only for items reached from a search or recommend answer: the page marks
   them with the answer's request id (data-opened-from, data-rid). Fire and forget: a failed post
   changes nothing on the page. */
(function () {
  "use strict";

  function send(requestId, itemId, action) {
    if (!requestId || !itemId || !window.fetch) return;
    var body = JSON.stringify({ request_id: requestId, item_id: itemId, action: action });
    try {
      window.fetch("/feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: body,
                                  credentials: "same-origin", keepalive: true })
        .catch(function () { /* feedback is best effort */ });
    } catch (e) { /* an old browser without keepalive: skip */ }
  }

  // An item page opened from a result link (/items/<id>?rid=<request id>).
  var opened = document.querySelector("[data-opened-from]");
  if (opened) send(opened.dataset.openedFrom, opened.dataset.id, "opened");

  // "Add to pack" on an item of an answer is using it; removing it again is not. Listening in the
  // capture phase sees the button before pack.js toggles it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".pack-add[data-rid]");
    if (button && button.getAttribute("aria-pressed") !== "true") send(button.dataset.rid, button.dataset.id, "used");
  }, true);
})();
