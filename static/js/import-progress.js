// Polls an import's status while it runs, updates the progress bar, and reloads when it ends.
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const text = document.getElementById("import-progress-text");
  const bar = document.getElementById("import-progress-bar");
  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        text.textContent = status.status_label + ": " + status.progress + "% done.";
        if (status.finished) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      text.textContent = "Waiting for the server…";
    }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
