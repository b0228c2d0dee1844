// Knowledge checks: answered in place, without a reload. Without JavaScript the form posts
// normally and the page comes back with the result.
(function () {
  "use strict";
  document.querySelectorAll("form.quiz").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const result = form.querySelector(".quiz-result");
      const data = new FormData(form);
      if (!data.has("chosen")) { result.innerHTML = '<p class="bad">Choose an answer first.</p>'; return; }
      try {
        const response = await fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } });
        const body = await response.json();
        if (!response.ok) { result.textContent = body.error || "Something went wrong."; return; }
        const verdict = document.createElement("p");
        verdict.className = body.correct ? "good" : "bad";
        verdict.textContent = body.correct ? "Correct." : "Not quite. Try again after reading this:";
        const explanation = document.createElement("p");
        explanation.textContent = body.explanation;
        result.replaceChildren(verdict, explanation);
        if (body.ever_correct) form.classList.add("answered-correct");
      } catch (err) {
        result.textContent = "Could not reach the server; try again.";
      }
    });
  });
})();
