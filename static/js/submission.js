// Follows a submission live: polls its status every second, shows queue position and stage,
// and reloads once grading is done so the feedback appears.
(function () {
  "use strict";
  const box = document.getElementById("live-status");
  if (!box) return;
  const label = box.querySelector("[data-testid=live-status]");
  const stageNames = {
    starting: "starting the sandbox", learner_tests: "running your tests", hidden_tests: "running the hidden tests",
    lint: "linting", django_check: "manage.py check", migrations: "checking migrations",
  };
  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const s = await response.json();
        if (s.done) { window.location.reload(); return; }
        label.textContent = s.status === "queued"
          ? "Queued" + (s.queue_position ? " · position " + s.queue_position : "")
          : "Grading · " + (stageNames[s.stage] || s.stage || "starting");
      }
    } catch (err) {
      label.textContent = "Lost contact with the server; retrying…";
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
