// Contrail's web UI: the little that is not server-rendered. Times in the browser's zone (UTC stays
// on hover), the trigger form's conf checked as a JSON object before it is sent, and the CSRF
// token on htmx requests.
(function () {
  "use strict";
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) {
        t.textContent = d.toLocaleString(undefined, {year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit", second: "2-digit"});
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    document.querySelectorAll("form[data-conf-check]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        var area = form.querySelector("textarea[name=conf]");
        var error = form.querySelector(".conf-error");
        var text = area.value.trim();
        var problem = null;
        if (text !== "") {
          try {
            var v = JSON.parse(text);
            if (v === null || typeof v !== "object" || Array.isArray(v)) {
              problem = "Conf must be a JSON object, like {\"key\": \"value\"}.";
            }
          } catch (err) {
            problem = "Conf is not valid JSON: " + err.message;
          }
        }
        if (problem) {
          e.preventDefault();
          error.textContent = problem;
          error.hidden = false;
          area.setAttribute("aria-invalid", "true");
          area.focus();
        } else {
          error.hidden = true;
        }
      });
    });
  });
  document.addEventListener("htmx:afterSwap", function (e) { localTimes(e.target.parentNode || document); });
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta) {
      e.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });
})();
