// A publish job's page (publishing/publish_job.html): while the job runs, ask for its state every second
// and draw the page's state part again; stop when it has finished. Without this script the page reloads itself.
(function () {
  "use strict";
  var box = document.getElementById("gc-job-state");
  if (!box || box.dataset.finished === "true") { return; }
  var url = box.dataset.stateUrl;
  var wait = 1000;
  var shown = null;
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.html !== shown) { box.innerHTML = shown = state.html; }  // read out again only when it changed
        wait = 1000;
        if (state.finished) { box.dataset.finished = "true"; } else { window.setTimeout(poll, wait); }
      })
      .catch(function () {
        wait = Math.min(wait * 2, 10000);  // the server busy or away: ask again, less often
        window.setTimeout(poll, wait);
      });
  }
  window.setTimeout(poll, wait);
}());
