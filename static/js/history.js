// Back and Forward ask the server for the page again: the filter form keeps htmx from
// storing snapshots of the page (base.html, includes/claim_filters.html). htmx does not
// cancel such a request when the reader moves on, and a late answer for an earlier step
// would replace the page shown for a later one: only the latest request may stand.
let pendingRestore = null;
document.addEventListener("htmx:historyCacheMiss", (event) => {
  pendingRestore?.abort();
  pendingRestore = event.detail.xhr;
});
