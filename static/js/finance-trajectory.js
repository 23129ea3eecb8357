// Trajectory and scenario pages: while a recompute is queued or running, poll the status
// endpoint and reload the page once a new run is current. No request waits on the job.
(function () {
  "use strict";
  var box = document.getElementById("trajectory-status");
  if (!box || box.dataset.waiting !== "true") return;
  var text = document.getElementById("trajectory-status-text");
  var before = box.dataset.runIds || "";
  var tries = 0;

  function currentIds(status) {
    return Object.keys(status.runs).map(function (slug) { return String(status.runs[slug].run_id); })
      .sort(function (a, b) { return Number(a) - Number(b); }).join(",");
  }

  function poll() {
    tries += 1;
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var ids = currentIds(status);
        var sortedBefore = before.split(",").filter(Boolean).sort(function (a, b) { return Number(a) - Number(b); }).join(",");
        if (!status.pending && !status.running) {
          if (ids !== sortedBefore) {
            text.textContent = "The new result is ready: loading it.";
            window.location.reload();
          } else {
            text.textContent = "The inputs had not changed, so the result shown is current.";
          }
          return;
        }
        if (!status.broker_available) {
          text.textContent = "The job queue cannot be reached: the result shown may be stale.";
          return;
        }
        if (tries < 150) window.setTimeout(poll, 2000);
        else text.textContent = "The recompute is taking longer than expected: reload the page later.";
      })
      .catch(function () {
        if (tries < 150) window.setTimeout(poll, 4000);
      });
  }

  window.setTimeout(poll, 1500);
})();
