// Progressive enhancement only: every page works without this file.
// Wider screens unfold the catalogue's extra search options; phones keep them folded so products come first.
"use strict";
if (window.matchMedia("(min-width: 768px)").matches) {
  document.querySelectorAll("details[data-open-wide]").forEach((details) => { details.open = true; });
}
