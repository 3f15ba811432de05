// Start: show the first diagram (or the view kept by the host) and tell tests and the host the
// page is interactive.

// -- start -------------------------------------------------------------------------------------

restoring = true;
const restoredPanel = restoreState();
showTheme();
show();
if (restoredPanel) showPanel(restoredPanel);
restoring = false;
saveState();
// For tests and the editor: the page is interactive from here on.
window.durableViz = {
  host,
  state,
  fit: () => fit(current()),
  showNode: (id) => {
    const view = current();
    const node = view && findNode(view, id);
    if (node) showNode(view, node);
  },
  highlightLine,
  select,
  search,
  exportPng,
  exportedSvg: () => exportedSvg(current(), transparent()),
};
root.dataset.ready = String(Math.round(performance.now()));
host.ready();
