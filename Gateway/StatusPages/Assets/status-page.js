// Keeps a status page live: listens on the hub for its own services' events (no key needed for a public page) and,
// shortly after one, fetches the page again and swaps #status in place. Without JavaScript the page is complete.
(function () {
  "use strict";
  var main = document.getElementById("status");
  if (!main || !window.signalR) { return; }
  var slug = main.getAttribute("data-slug");
  var token = new URLSearchParams(location.search).get("access_token");
  var refreshing = null;

  // A page opened with ?access_token= keeps it on its links (the HTML itself is shared by every visitor, without it).
  function keepToken() {
    if (!token) { return; }
    document.querySelectorAll('a[href$=".json"], link[rel="alternate"]').forEach(function (link) {
      var target = new URL(link.getAttribute("href"), location.href);
      target.searchParams.set("access_token", token);
      link.setAttribute("href", target.pathname + target.search);
    });
  }
  keepToken();
  var again = false;

  // The gateway gathers a page at most once a second after a change, so a refresh 1.2 s after the event sees it.
  function scheduleRefresh() {
    if (refreshing) { again = true; return; }
    refreshing = setTimeout(refresh, 1200);
  }

  function refresh() {
    fetch(location.href, { cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("status");
        var current = document.getElementById("status");
        if (fresh && current) {
          current.replaceWith(fresh);
          document.title = page.title;
          keepToken();
        }
      })
      .catch(function () { /* the next event or the periodic refresh tries again */ })
      .finally(function () {
        refreshing = null;
        if (again) { again = false; scheduleRefresh(); }
      });
  }

  var url = "/hub?status_page=" + encodeURIComponent(slug);
  var options = token ? { accessTokenFactory: function () { return token; } } : {};
  var connection = new signalR.HubConnectionBuilder()
    .withUrl(url, options)
    .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
    .build();
  ["service-status created", "incidents created", "incidents patched"].forEach(function (name) {
    connection.on(name, scheduleRefresh);
  });
  connection.onreconnected(scheduleRefresh);

  // The gateway closes a page's connection when the page changes: reconnect at once (then more slowly while it
  // refuses, e.g. the page is no longer public) and fetch the page again, since events may have come meanwhile.
  var retry = 0;
  connection.onclose(function () { setTimeout(start, retry === 0 ? 500 : Math.min(30000, 2000 * retry)); });

  function start() {
    connection.start()
      .then(function () { retry = 0; scheduleRefresh(); })
      .catch(function () { retry += 1; setTimeout(start, Math.min(30000, 2000 * retry)); });
  }

  start();
  // Day bars roll over at midnight UTC and maintenance windows open without an event: refresh each minute too.
  setInterval(scheduleRefresh, 60000);
})();
