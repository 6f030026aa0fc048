// Nothing typed is lost: when a person leaves a page with a form marked
// data-save-on-leave without pressing its buttons, the form is sent in the
// background (as "save_on_leave") and the server keeps its valid answers.
// Without JavaScript the buttons still save: this only covers leaving by a link.
const form = document.querySelector("form[data-save-on-leave]");

if (form && navigator.sendBeacon) {
  let changed = false;
  let submitted = false;
  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("change", () => { changed = true; });
  form.addEventListener("submit", () => { submitted = true; });

  const saveOnLeave = () => {
    if (!changed || submitted) return;
    const data = new FormData(form);
    data.append("save_on_leave", "");
    navigator.sendBeacon(form.action, data);
    changed = false;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  window.addEventListener("pagehide", saveOnLeave);
}
