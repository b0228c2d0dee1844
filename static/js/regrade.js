// Follows a regrade batch: polls its progress and reloads when every submission is done.
(function () {
  "use strict";
  const bar = document.getElementById("regrade-progress");
  if (!bar || bar.dataset.finished === "true") return;
  async function poll() {
    try {
      const response = await fetch(bar.dataset.progressUrl, { headers: { Accept: "application/json" } });
      const state = await response.json();
      bar.firstElementChild.style.width = Math.round(100 * state.done / Math.max(state.total, 1)) + "%";
      document.querySelector("[data-testid=regrade-status]").textContent = state.done + " of " + state.total + " regraded";
      if (state.finished) { window.location.reload(); return; }
    } catch (err) { /* keep polling */ }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
