// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Timestamps in the viewer's own time zone.
  for (const el of document.querySelectorAll("time[datetime]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) { el.title = el.textContent; el.textContent = when.toLocaleString(); }
  }
  // JSON fields are checked before they are sent.
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      for (const area of form.querySelectorAll("textarea[data-json]")) {
        // Its own NULL or default box (the edit form's "null", the insert form's "null:…"/"default:…").
        const scope = area.closest("td") || form;
        const skipped = scope.querySelector('input[name="null"]:checked, input[name^="null:"]:checked, input[name^="default:"]:checked');
        if (skipped || area.value.trim() === "") continue;  // NULL, or left to its default
        try { JSON.parse(area.value); area.setCustomValidity(""); }
        catch (error) { area.setCustomValidity("Not valid JSON: " + error.message); area.reportValidity(); event.preventDefault(); }
      }
    });
  }
});
