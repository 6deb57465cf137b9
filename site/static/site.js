// Progressive enhancement only: every page works without this file.
// "/" focuses the search box (keyboard search), unless the user is typing somewhere.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  const box = document.getElementById("search-q") || document.getElementById("home-q") || document.getElementById("quick-q");
  if (box) {
    event.preventDefault();
    box.focus();
  }
});
