// Starts the NHS.UK frontend components. A module script: deferred, and skipped by old browsers,
// so every page works without it. A file, not inline, so the Content-Security-Policy allows no inline script.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
